"""A page's text as it is printed: the boxes that share a printed row joined in reading order, each placed at its
column, so that a receipt's item, price and quantity stay on one line ("POANG Pokis      10,00   0") and the
columns of a table line up. JSON keeps every box as it is; this is the text of a record, its text export and
every format that prints text."""

from __future__ import annotations

import statistics

from ocrbatch.v1 import common_pb2
from services.worker.extraction.layout import Row, visual_rows

MIN_GAP = 2  # spaces between two boxes of a row at the least, so they never read as one word
MIN_CHARS_FOR_WIDTH = 3  # a box with fewer characters says little about the page's character width
MAX_INDENT = 60  # columns: a row is never pushed further right than this before its first character


def _char_width(rows: list[Row]) -> float:
    widths = [
        (cell.box[2] - cell.box[0]) / len(cell.text)
        for row in rows
        for cell in row.cells
        if cell.box is not None and len(cell.text) >= MIN_CHARS_FOR_WIDTH
    ]
    return statistics.median(widths) if widths else 0.0


def page_rows(page: common_pb2.Page) -> list[str]:
    """The page's printed rows, top to bottom, each with its boxes at their columns."""
    rows = visual_rows([page])
    width = _char_width(rows)
    if width <= 0:  # plain text, or no box long enough to measure: the rows as they are
        return [row.text for row in rows]
    margin = min(cell.box[0] for row in rows for cell in row.cells if cell.box is not None)
    out = []
    for row in rows:
        text = ""
        for cell in row.cells:
            column = round((cell.box[0] - margin) / width) if cell.box is not None else 0
            if not text:
                column = min(column, MAX_INDENT)
            else:
                column = max(column, len(text) + MIN_GAP)
            text = text.ljust(column) + cell.text
        out.append(text.rstrip())
    return out


def page_text(page: common_pb2.Page) -> str:
    return "\n".join(page_rows(page))
