"""The `fast` reading quality: the tiny PP-OCRv6 pair reads the whole page, and the small recogniser reads again
the lines the issuer is taken from (the page's header), where the tiny model's misreadings cost the most.

Chosen by measurement (bench/fast_routes.py, on sroie-dev and receipts-world-dev; README "Reading
quality"): of the lines extraction depends on — the header rows, lines a template label matches, value-shaped
lines (amounts, dates, identifiers), the lines of the extraction's candidates — re-reading the header rows
gained the most field accuracy per second. Re-reading labels and value-shaped lines as well re-read half to
three quarters of a receipt's lines for no further gain on the merchant and at most 1–2 points on the date and
total, at the small model's cost; even every line re-read stays below `accurate` on the merchant, because the
tiny detector's boxes are what limit it.

Of the header, only the lines a fitted gate (engine/reread_gate.py) expects the small recogniser to read
differently are read again: about half of them, for the same field accuracy within 2 points; and every line that
looks like it holds a date, wherever it is (with the gate alone sroie-dev's date is 0.968 and receipts-world-dev's
0.864; with the date lines 0.992 and 0.932, for 3–4 % more of the lines re-read: README, Reading quality)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

import numpy as np

from services.common.languages import fold, months
from services.worker.engine.port import Box, OcrEngine, OcrLine
from services.worker.engine.reread_gate import ReReadGate, fitted_gate, gate_digest, median_height
from services.worker.extraction.issuer import HEADER_DEPTH, HEADER_ROWS


class LineReader(Protocol):
    """A recogniser alone: the text and confidence of given boxes of an image (RapidOcrEngine.read_lines)."""

    name: str

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]]: ...


# A line whose tiny reading looks like it holds a date, loosely: three numbers with separators, or a month's name (of
# any language the vocabulary knows) beside a number. The tiny recogniser garbles dates ("Date:29-01-18", "2O18-09-24")
# and those it garbles is what re-reading them is for.
_MONTH = "|".join(sorted((re.escape(name) for name in months() if len(name) >= 3), key=len, reverse=True))
DATE_SHAPED = re.compile(
    r"\d{1,4}\s?[./\-]\s?\d{1,2}\s?[./\-]\s?\d{2,4}"  # 12/2/2022, 2022-12-02
    rf"|\d\s?(?i:{_MONTH})|(?<![^\W\d_])(?i:{_MONTH})\.?\s?\d",  # 02DEC22, 24 Sep, Sep. 24, Dec 2
)


# Which lines besides the gated header are read again, in the engine's name: a new word with each change to them.
REREAD = "dates1"


def looks_like_date(text: str) -> bool:
    """Whether a line's reading may hold a date (DATE_SHAPED, its letters folded: "5 März" as "5 marz")."""
    return bool(DATE_SHAPED.search(fold(text)))


def header_lines(lines: list[OcrLine], page_height: int, first: int | None = None) -> list[int]:
    """The indexes of the lines an issuer can come from: among the page's first rows, in its top part (the same
    header as services/worker/extraction/issuer.py reads the issuer from); only the `first` of them if given."""
    depth = HEADER_DEPTH * page_height
    return [i for i, line in enumerate(lines[:HEADER_ROWS]) if min(y for _, y in line.box) < depth][:first]


class FastEngine:
    """Reads a page with `whole_page` (the tiny pair) and again with `careful` (the small recogniser) the header
    lines the gate wants (the fitted one unless given) and the lines that look like dates; the careful reading
    replaces the tiny one where it read anything."""

    def __init__(self, whole_page: OcrEngine, careful: LineReader, gate: ReReadGate | None = None) -> None:
        self._whole_page = whole_page
        self._careful = careful
        self._gate = gate or fitted_gate()
        self.name = self.configured_name(whole_page.name, careful.name)
        self.alphabet = getattr(whole_page, "alphabet", "")

    @staticmethod
    def configured_name(whole_page: str, careful: str) -> str:
        """Names the gate's fitted file too (a digest of it) and which other lines are re-read (REREAD), so readings
        cached before a refit or a change are not reused."""
        return f"fast({whole_page}+{careful})-gate-{gate_digest()}-{REREAD}"

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        lines = self._whole_page.recognize(image)
        median = median_height(lines)
        header = {i for i in header_lines(lines, image.shape[0]) if self._gate.wanted(lines[i], median)}
        chosen = sorted(header | {i for i, line in enumerate(lines) if looks_like_date(line.text)})
        again = self._careful.read_lines(image, [lines[i].box for i in chosen])
        for i, (text, confidence) in zip(chosen, again, strict=True):
            if text.strip():
                lines[i] = replace(lines[i], text=text, confidence=confidence)
        return lines
