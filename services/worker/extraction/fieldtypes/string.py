"""Free text: the rest of a label's cell, never a bare amount (that is money's)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.worker.normalise import Found, find_amounts

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale

SEPARATORS = " \t:#.-–—=|"  # stripped before a string value
TRAILING = " \t:|"  # stripped after it (a final dot can belong to the value: "S.L.")


def is_amount(value: str) -> bool:
    """A money amount and nothing else ('50.00', 'RM 9.00'): never a string field's value, which is the money
    type's — beside a string field's label it is a neighbouring figure ("Payment : 50.00" is the sum handed
    over, not how it was paid). Codes and plain numbers ('INV-77', '12345') stay strings."""
    amounts = find_amounts(value)
    return len(amounts) == 1 and amounts[0].clean and amounts[0].start == 0 and amounts[0].end == len(value)


class StringType:
    name = "string"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        stripped = text.lstrip(SEPARATORS)
        value = stripped.rstrip(TRAILING)
        if not value or not any(c.isalnum() for c in value) or is_amount(value):
            return []
        start = len(text) - len(stripped)
        return [Found(start, start + len(value), value, True)]

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        return raw.strip() or None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        return {}

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        return []


TYPE = StringType()
