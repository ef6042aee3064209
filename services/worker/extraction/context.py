"""What every field's candidates are judged against: the document's visual rows, its locale, and the values
printed on it (every date, every amount), found once per document."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from services.worker.extraction.layout import Row
from services.worker.extraction.locale import DocumentLocale
from services.worker.normalise import Found, find_amounts, find_dates


def in_years(iso: str) -> float:
    """An ISO date as a fractional year (2014-07-01 → about 2014.5), to tell how far apart two dates are."""
    year, month, day = (int(part) for part in iso.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365


@dataclass
class DocumentContext:
    rows: list[Row]
    locale: DocumentLocale
    # what one field's rule found that another's reads again (the issuer's names, for the legal name)
    memo: dict[Any, Any] = field(default_factory=dict)

    @cached_property
    def median_height(self) -> float:
        heights = [row.height for row in self.rows if row.box]
        return statistics.median(heights) if heights else 1.0

    def relative_height(self, row: Row) -> float:
        """The row's text height against the document's median (1.0 typical; a logo line 2 or 3)."""
        return row.height / self.median_height if row.box else 1.0

    @cached_property
    def dates(self) -> list[tuple[Row, Found]]:
        return [(row, found) for row in self.rows for found in find_dates(row.text, order=self.locale.date_order)]

    @cached_property
    def amounts(self) -> list[tuple[Row, Found]]:
        return [(row, found) for row in self.rows for found in find_amounts(row.text, decimal=self.locale.decimal)]

    @cached_property
    def date_years(self) -> list[float]:
        """Every date on the page as a fractional year, for how far a candidate lies from the others."""
        return [in_years(str(found.value)) for _, found in self.dates]

    def find_amounts(self, text: str) -> list[Found]:
        """Amounts in a piece of text, read with the document's decimal mark."""
        return find_amounts(text, decimal=self.locale.decimal)

    def dates_in(self, row: Row) -> list[Found]:
        return [found for r, found in self.dates if r is row]
