"""Label vocabularies of the built-in templates, shared by the batch service (which serves the templates) and the
workers (which check a total's arithmetic with them): every language's labels (services/common/languages.py),
the built-in templates' own languages (English, French, German, Spanish, Malay) first.

Words every receipt or invoice uses; nothing here names a shop, a vendor or a document. No label is of two kinds
(a word that is the total in one language and the subtotal in another would make every total doubtful): the
tests check it.
"""

from __future__ import annotations

from services.common.languages import labels

# Labelled amounts around a total: checked against it (cash − change = total; subtotal + tax = total),
# and never taken for it.
AMOUNT_LABELS: dict[str, tuple[str, ...]] = {
    kind: labels(kind) for kind in ("cash", "change", "subtotal", "tax", "rounding", "discount")
}
NOT_AMOUNTS = labels("not_amounts")  # quantities and item counts

TOTAL_LABELS = labels("total")
TOTAL_EXCLUDED = tuple(label for kind in AMOUNT_LABELS.values() for label in kind) + NOT_AMOUNTS

DATE_LABELS = labels("date")  # the document's own date
DATE_EXCLUDED = labels("date_excluded")
INVOICE_NUMBER_LABELS = labels("invoice_number")
INVOICE_NUMBER_EXCLUDED = labels("invoice_number_excluded")
# Where a page names its currency in words: "Currency: EUR", "Währung EUR".
CURRENCY_LABELS = (
    "Currency",
    "Währung",
    "Devise",
    "Moneda",
    "Valuta",
    "Waluta",
    "Valută",
    "Měna",
    "Valuuta",
    "Νόμισμα",
)
