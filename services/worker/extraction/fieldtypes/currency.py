"""Currencies as ISO 4217 codes: the codes and signs a page prints ("EUR", "€", "zł", "HK$"), a sign several
currencies share ("$", "kr", "¥") read by the document's country, and the country's currency where the page
prints none."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from services.common.labels import TOTAL_LABELS
from services.worker.extraction.currency import CURRENCY_SIGNS, ISO_CODES, resolve_sign
from services.worker.normalise import Found

if TYPE_CHECKING:
    from services.worker.extraction.candidates import Candidate
    from services.worker.extraction.context import DocumentContext
    from services.worker.extraction.locale import DocumentLocale


@lru_cache(maxsize=1)
def _mention() -> re.Pattern[str]:
    signs = sorted(CURRENCY_SIGNS, key=len, reverse=True)
    codes = sorted(ISO_CODES)
    return re.compile(
        r"(?<![A-Za-z])(?P<code>" + "|".join(codes) + r")(?![A-Za-z])"
        r"|(?P<sign>" + "|".join(re.escape(s) for s in signs) + r")"
    )


class CurrencyType:
    name = "currency"

    def find(self, text: str, locale: DocumentLocale) -> list[Found]:
        out = []
        for m in _mention().finditer(text):
            if m.group("code"):
                out.append(Found(m.start(), m.end(), m.group("code"), True))
                continue
            code = resolve_sign(m.group("sign"), locale.country)
            if code:
                out.append(Found(m.start(), m.end(), code, CURRENCY_SIGNS[m.group("sign")] == (code,)))
        return out

    def normalise(self, raw: str, locale: DocumentLocale) -> Any:
        found = self.find(raw.strip(), locale)
        return str(found[0].value) if found else None

    def shape(self, found: Found, locale: DocumentLocale) -> dict[str, float]:
        is_code = str(found.value) == str(found.value).upper() and len(str(found.value)) == 3 and found.clean
        return {"currency_code": float(is_code), "sign_ambiguous": float(not found.clean)}

    def unlabelled(self, context: DocumentContext, excluded: list[str]) -> list[Candidate]:
        """Every currency the page prints, and its country's currency."""
        from services.worker.extraction.candidates import Candidate
        from services.worker.extraction.labels import find_labels

        mentions = [(row, found) for row in context.rows for found in self.find(row.text, context.locale)]
        counts: dict[str, int] = {}
        for _, found in mentions:
            counts[str(found.value)] = counts.get(str(found.value), 0) + 1
        out = []
        for row, found in mentions:
            features = self.shape(found, context.locale) | {
                "unlabelled": 1.0,
                "currency_sign": float(not found.clean or str(found.value) != row.text[found.start : found.end]),
                "currency_mentions": min(counts[str(found.value)], 5) / 5,
                "beside_total": float(bool(find_labels(row.text, TOTAL_LABELS))),
                "from_locale": float(found.value == context.locale.currency),
                "page_position": min(row.top_fraction, 1.0),
            }
            out.append(Candidate(found.value, row, found.start, found.end, "unlabelled", None, features))
        if context.locale.currency and context.rows:
            features = {"from_locale": 1.0, "currency_mentions": min(counts.get(context.locale.currency, 0), 5) / 5}
            row = context.rows[0]
            out.append(Candidate(context.locale.currency, row, 0, 0, "locale", None, features, text=""))
        return out


TYPE = CurrencyType()
