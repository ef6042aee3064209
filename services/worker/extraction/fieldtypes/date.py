"""Dates in any common form, read day- or month-first as the document's locale says, as ISO 'YYYY-MM-DD'."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from services.worker.normalise import Found, find_dates

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale

_TIME_AFTER = re.compile(r"\W{0,3}\d{1,2}:\d{2}")


class DateType:
    name = "date"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        return find_dates(text, order=locale.date_order)

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        dates = self.find(raw.strip(), locale)
        return str(dates[0].value) if dates else None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        return {"written_cleanly": float(found.clean), "order_ambiguous": float(getattr(found, "ambiguous", False))}

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        """Every date on the page, for a date field whose label is not printed (most receipts); a date right
        of an excluded label (due, delivery) is that label's."""
        from services.worker.extraction.candidates import Candidate
        from services.worker.extraction.labels import find_labels

        out = []
        for row, found in context.dates:
            if any(b.end <= found.start for b in find_labels(row.text, excluded)):
                continue
            features = {"unlabelled": 1.0, **self.shape(found, context.locale)}
            if _TIME_AFTER.match(row.text[found.end :]):
                features["followed_by_time"] = 1.0
            out.append(Candidate(found.value, row, found.start, found.end, "unlabelled", None, features))
        return out


TYPE = DateType()
