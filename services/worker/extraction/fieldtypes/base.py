"""What every field type provides (the protocol of the registry in this package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from services.worker.normalise import Found

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale


class FieldType(Protocol):
    name: str

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        """Every value of the type in a piece of text, left to right, with its span."""
        ...

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        """The first value in raw (a regex capture), normalised; None when there is none."""
        ...

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        """Features of how the value is written (two decimals, a four-digit year, a reference-code shape)."""
        ...

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        """Candidates the type finds on the page without a label (every date; every currency sign), or none."""
        ...
