"""Plain numbers: quantities and counts, read like amounts and kept whole where they are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.worker.extraction.fieldtypes.money import MoneyType
from services.worker.normalise import Found

if TYPE_CHECKING:
    from services.worker.extraction.locale import DocumentLocale


def _whole(value: float | str) -> float | int | str:
    return int(value) if isinstance(value, float) and value.is_integer() else value


class NumberType(MoneyType):
    name = "number"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        return [Found(f.start, f.end, _whole(f.value), True) for f in super().find(text, locale)]

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        found = self.find(raw.strip(), locale)
        return found[0].value if found else None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        return {}


TYPE = NumberType()
