"""Template rules shared by the batch service (validation, built-ins) and the workers (which execute them)."""

from __future__ import annotations

import re
from typing import Any

from ocrbatch.v1 import templates_pb2
from services.common.labels import (
    CURRENCY_LABELS,
    DATE_EXCLUDED,
    DATE_LABELS,
    INVOICE_NUMBER_EXCLUDED,
    INVOICE_NUMBER_LABELS,
    TOTAL_EXCLUDED,
    TOTAL_LABELS,
)
from services.common.locales import LocaleError, canonical_locale
from services.common.qualities import QualityError, checked_quality

FIELD_TYPES = ("string", "identifier", "number", "money", "date", "currency")
ROLES = ("", "total", "issuer", "legal_name")
DEFAULT_REVIEW_THRESHOLD = 0.8
RESULT_FORMATS = ("json", "csv", "text", "xml", "html", "pdf", "docx", "xlsx", "searchable-pdf")
MAX_FIELDS = 100
MAX_TYPE_WORDS = 100  # the built-in templates use about 60, over a dozen languages
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def review_threshold(template: templates_pb2.Template) -> float:
    return template.review_threshold if template.HasField("review_threshold") else DEFAULT_REVIEW_THRESHOLD


def needs_review(template: templates_pb2.Template, details: dict[str, Any]) -> bool:
    """A record needs review when a required field is missing or one's confidence is under the template's review
    threshold; optional fields report their confidence but never hold a record back."""
    threshold = review_threshold(template)
    for f in template.fields:
        found = details.get(f.name) or {}
        missing = found.get("value") in (None, [], "")
        if not f.optional and (missing or (found.get("confidence") or 0.0) < threshold):
            return True
    return False


class TemplateError(ValueError):
    """A template that cannot be used; the message names the offending field."""


def _check_type(where: str, value: str) -> None:
    if value and value not in FIELD_TYPES:
        raise TemplateError(f"{where}: type must be one of {', '.join(FIELD_TYPES)}, not {value!r}")


def validate(template: templates_pb2.Template) -> templates_pb2.Template:
    """Checks a template and fills defaults; raises TemplateError naming the first problem."""
    if not template.name.strip():
        raise TemplateError("name: is required")
    if len(template.name) > 120:
        raise TemplateError("name: at most 120 characters")
    if not template.result_format:
        template.result_format = "json"
    if template.result_format not in RESULT_FORMATS:
        raise TemplateError(f"resultFormat: must be one of {', '.join(RESULT_FORMATS)}")
    if template.HasField("review_threshold") and not 0 <= template.review_threshold <= 1:
        raise TemplateError("reviewThreshold: must be between 0 and 1")
    try:
        template.locale = canonical_locale(template.locale)
    except LocaleError as exc:
        raise TemplateError(f"locale: {exc}") from None
    try:
        template.quality = checked_quality(template.quality)
    except QualityError as exc:
        raise TemplateError(f"quality: {exc}") from None
    if len(template.type_words) > MAX_TYPE_WORDS:
        raise TemplateError(f"typeWords: at most {MAX_TYPE_WORDS}")
    for index, word in enumerate(template.type_words):
        if not word.strip() or len(word) > 80:
            raise TemplateError(f"typeWords[{index}]: 1 to 80 characters")
    if not template.fields and not template.key_values:
        raise TemplateError("fields: at least one field is required")
    if len(template.fields) > MAX_FIELDS:
        raise TemplateError(f"fields: at most {MAX_FIELDS}")
    seen: set[str] = set()
    for index, field in enumerate(template.fields):
        where = f"fields[{index}]"
        if not _NAME.match(field.name):
            raise TemplateError(f"{where}.name: letters, digits and _ only, starting with a letter ({field.name!r})")
        if field.name in seen:
            raise TemplateError(f"{where}.name: {field.name!r} is used twice")
        seen.add(field.name)
        where = f"fields[{index}] ({field.name})"
        kind = field.rule.WhichOneof("kind")
        if kind is None:
            raise TemplateError(f"{where}.rule: one of regex, label or table is required")
        if kind == "table":
            _check_table(where, field.rule.table)
            continue
        if not field.type:
            field.type = "string"
        _check_type(where, field.type)
        if kind == "regex":
            try:
                pattern = re.compile(field.rule.regex.pattern)
            except re.error as exc:
                raise TemplateError(f"{where}.rule.regex.pattern: not a valid regular expression ({exc})") from None
            if pattern.groups < 1:
                raise TemplateError(f"{where}.rule.regex.pattern: needs a capture group for the value")
        else:
            rule = field.rule.label
            finds_its_own = rule.role in ("issuer", "legal_name") or field.type == "currency"
            if not [label for label in rule.labels if label.strip()] and not finds_its_own:
                raise TemplateError(f"{where}.rule.label.labels: at least one label is required")
            if rule.role not in ROLES:
                raise TemplateError(
                    f"{where}.rule.label.role: must be one of total, issuer, legal_name (or empty), not {rule.role!r}"
                )
            if rule.role == "total" and field.type not in ("money", "number"):
                raise TemplateError(f"{where}.rule.label.role: a total must be of type money or number")
    return template


def _check_table(where: str, table: templates_pb2.TableRule) -> None:
    if not table.columns:
        raise TemplateError(f"{where}.rule.table.columns: at least one column is required")
    names: set[str] = set()
    for index, column in enumerate(table.columns):
        at = f"{where}.rule.table.columns[{index}]"
        if not _NAME.match(column.name) or column.name in names:
            raise TemplateError(f"{at}.name: a unique name of letters, digits and _ is required")
        names.add(column.name)
        if not [h for h in column.headers if h.strip()]:
            raise TemplateError(f"{at}.headers: at least one header label is required")
        _check_type(at, column.type)


def _label(
    name: str, kind: str, labels: tuple[str, ...], excluded: tuple[str, ...] = (), role: str = ""
) -> templates_pb2.TemplateField:
    rule = templates_pb2.LabelRule(labels=list(labels), exclude_labels=list(excluded), role=role)
    return templates_pb2.TemplateField(name=name, type=kind, rule=templates_pb2.FieldRule(label=rule))


def _table(name: str, stops: list[str], *columns: tuple[str, str, list[str]]) -> templates_pb2.TemplateField:
    return templates_pb2.TemplateField(
        name=name,
        rule=templates_pb2.FieldRule(
            table=templates_pb2.TableRule(
                columns=[templates_pb2.TableColumn(name=n, type=t, headers=h) for n, t, h in columns],
                stop_labels=stops,
            )
        ),
    )


def _optional(field: templates_pb2.TemplateField) -> templates_pb2.TemplateField:
    field.optional = True
    return field


TOTAL_STOPS = [
    "Total",
    "Subtotal",
    "Sub-total",
    "Tax",
    "VAT",
    "TVA",
    "MwSt",
    "IVA",
    "Gesamt",
    "Amount due",
    "Montant HT",
    "Base HT",
    "Total HT",
]

# Words that name or mark each built-in type, in the languages its labels cover (classification evidence:
# services/worker/classification.py). Payment and till words mark a receipt; billing terms, a customer and
# bank details an invoice.
RECEIPT_TYPE_WORDS = [
    "Receipt", "Cash", "Change", "Cashier", "Thank you", "Rounding", "Table", "Tip",
    "Kassenbon", "Beleg", "Bon", "Quittung", "Kasse", "Kassierer", "Rückgeld", "Gegeben", "Bar", "Danke", "Tisch",
    "Reçu", "Ticket", "Espèces", "Rendu", "Merci", "Recibo", "Efectivo", "Cambio", "Gracias", "Mesa",
    "Ricevuta", "Scontrino", "Contanti", "Resto", "Kvitto", "Kontant", "Växel", "Paragon", "Gotówka", "Reszta",
    "Kassa", "Kvittering", "Terminal", "Approved", "Auth code", "Transaction", "Card payment", "Debit",
    "Kartenzahlung", "Kundenbeleg", "Bediener", "Trinkgeld", "Propina", "Pourboire", "Servizio",
]  # fmt: skip
INVOICE_TYPE_WORDS = [
    "Invoice", "Bill to", "Ship to", "Due date", "Payment terms", "Customer", "Unit price", "Net amount",
    "Purchase order", "IBAN", "BIC", "SWIFT",
    "Facture", "Client", "Échéance", "Date d'échéance", "Prix unitaire", "Total HT", "Montant HT",
    "Bon de commande", "Rechnung", "Kunde", "Fälligkeitsdatum", "Einzelpreis", "Nettobetrag",
    "Factura", "Cliente", "Vencimiento", "Precio unitario", "Fattura", "Scadenza", "Faktura", "Factuur", "Klant",
    "Payment due", "Remit to", "Tax ID", "VAT number", "Account number", "Delivery note", "Facturé à",
    "Adresse de facturation", "Conditions de paiement", "N° TVA", "Rechnungsadresse", "Kundennummer",
    "Zahlungsbedingungen", "Lieferschein", "Fecha de vencimiento", "Forma de pago",
]  # fmt: skip

BUILTIN_TEMPLATES: dict[str, templates_pb2.Template] = {
    "invoice": templates_pb2.Template(
        id="invoice",
        name="Invoice",
        description="Invoice number, date, vendor (and legal name), total, currency and line items, in 24 languages",
        result_format="json",
        builtin=True,
        type_words=INVOICE_TYPE_WORDS,
        fields=[
            _label("invoiceNumber", "identifier", INVOICE_NUMBER_LABELS, INVOICE_NUMBER_EXCLUDED),
            _label(
                "invoiceDate",
                "date",
                (
                    "Invoice Date",
                    "Date",
                    "Date de facture",
                    "Date de la facture",
                    "Date facture",
                    "Date d'émission",
                    "Issue date",
                    "Date of issue",
                    "Rechnungsdatum",
                    "Datum",
                    "Fecha",
                    "Fecha de factura",
                    "Fecha de emisión",
                    "Ausstellungsdatum",
                    "Tarikh",
                    *DATE_LABELS,
                ),
                DATE_EXCLUDED,
            ),
            _optional(
                _label(
                    "vendor",
                    "string",
                    ("Vendor", "Supplier", "From", "Fournisseur", "Lieferant", "Proveedor"),
                    role="issuer",
                )
            ),
            _optional(_label("issuerLegalName", "string", (), role="legal_name")),
            _label("totalAmount", "money", TOTAL_LABELS, TOTAL_EXCLUDED, role="total"),
            _optional(_label("currency", "currency", CURRENCY_LABELS)),
            _table(
                "lineItems",
                TOTAL_STOPS,
                (
                    "description",
                    "string",
                    [
                        "Description",
                        "Item",
                        "Désignation",
                        "Détail",
                        "Libellé",
                        "Produit",
                        "Beschreibung",
                        "Bezeichnung",
                        "Artikel",
                        "Descripción",
                        "Concepto",
                    ],
                ),
                ("quantity", "number", ["Qty", "Quantity", "Qté", "Quantité", "Menge", "Anzahl", "Cantidad", "Cant"]),
                (
                    "unitPrice",
                    "money",
                    [
                        "Unit price",
                        "Unit cost",
                        "Rate",
                        "Price",
                        "Prix unitaire",
                        "Prix unit",
                        "Prix",
                        "Taux",
                        "PU",
                        "P.U.",
                        "Einzelpreis",
                        "Preis",
                        "Precio unitario",
                        "Precio",
                    ],
                ),
            ),
        ],
    ),
    "receipt": templates_pb2.Template(
        id="receipt",
        name="Receipt",
        description="Merchant (and its legal name), date, total, currency, payment method and items of a till receipt",
        result_format="json",
        builtin=True,
        type_words=RECEIPT_TYPE_WORDS,
        fields=[
            _label(
                "merchant",
                "string",
                ("Store", "Merchant", "Shop", "Magasin", "Geschäft", "Tienda"),
                role="issuer",
            ),
            _optional(_label("issuerLegalName", "string", (), role="legal_name")),
            _label("date", "date", ("Date", "Datum", "Fecha", "Tarikh", "Date/Time", *DATE_LABELS), DATE_EXCLUDED),
            _label("total", "money", TOTAL_LABELS, TOTAL_EXCLUDED, role="total"),
            _optional(_label("currency", "currency", CURRENCY_LABELS)),
            _optional(_label("paymentMethod", "string", ("Payment", "Paid by", "Paiement", "Zahlungsart", "Pago"))),
            _optional(
                _table(
                    "items",
                    TOTAL_STOPS + ["Summe"],
                    ("description", "string", ["Item", "Description", "Article", "Artikel", "Artículo"]),
                    ("quantity", "number", ["Qty", "Qté", "Menge", "Cant"]),
                    ("price", "money", ["Price", "Amount", "Prix", "Preis", "Precio"]),
                )
            ),
        ],
    ),
    "generic": templates_pb2.Template(
        id="generic",
        name="Generic",
        description="The full text plus every `key: value` pair found on the page",
        result_format="json",
        builtin=True,
        key_values=True,
    ),
}
