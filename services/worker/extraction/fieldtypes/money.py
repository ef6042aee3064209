"""Amounts of money as printed in any locale: '1.129,00', '1 129,00', '1,129.00', '€1,95', '24,23 EUR', '5,00-'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.worker.normalise import Found, find_amounts

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale


class MoneyType:
    name = "money"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        return find_amounts(text, decimal=locale.decimal)

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        amounts = self.find(raw.strip(), locale)
        return float(amounts[0].value) if amounts else None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        return {
            "written_cleanly": float(found.clean),
            "currency_printed": float(bool(getattr(found, "currency", None))),
        }

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        return []


TYPE = MoneyType()
