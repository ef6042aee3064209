"""Reference codes: a token with a digit in it ('FA02/2015/020059', 'INV-0042'), never a date or an amount."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.worker.normalise import Found, find_identifiers

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale


class IdentifierType:
    name = "identifier"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        return find_identifiers(text)

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        ids = find_identifiers(raw.strip())
        return str(ids[0].value) if ids else None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        code = str(found.value)
        digits = sum(c.isdigit() for c in code)
        return {
            "code_length": min(len(code), 20) / 10,
            "code_digits": min(digits, 12) / 6,
            "code_has_letters": float(any(c.isalpha() for c in code)),
            "code_has_separators": float(any(c in "/-_." for c in code)),
            "short_bare_number": float(code.isdigit() and len(code) <= 4),
        }

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        return []


TYPE = IdentifierType()
