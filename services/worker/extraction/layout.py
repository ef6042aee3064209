"""Visual rows: OCR boxes that sit side by side on a page, joined left to right after undoing the page's tilt.

A row keeps its cells (the OCR boxes), so a rule can tell where on the row a word is: the x position of
any character is estimated from its cell, which is how a value is matched to the label above it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ocrbatch.v1 import common_pb2

Box = tuple[float, float, float, float]  # left, top, right, bottom
CELL_GAP = "   "  # cells of a row are joined by three spaces; values never span it


@dataclass
class Cell:
    text: str
    confidence: float
    box: Box | None
    inverted: bool = False  # printed light on a dark fill (a logo box)


@dataclass
class Row:
    text: str
    confidence: float
    page: int
    box: Box | None
    cells: list[Cell] = field(default_factory=list)
    index: int = 0  # position among the document's rows
    page_height: float = 0.0
    page_width: float = 0.0

    @property
    def height(self) -> float:
        heights = [c.box[3] - c.box[1] for c in self.cells if c.box]
        return statistics.median(heights) if heights else 1.0

    def x_span(self, start: int, end: int) -> tuple[float, float] | None:
        """Estimated horizontal extent of the characters start..end of the row's text (None without boxes)."""
        offset = 0
        for cell in self.cells:
            cell_end = offset + len(cell.text)
            if start < cell_end and cell.box is not None:
                left, _, right, _ = cell.box
                per_char = (right - left) / max(len(cell.text), 1)
                a, b = max(start, offset) - offset, min(end, cell_end) - offset
                return left + a * per_char, left + max(b, a + 1) * per_char
            offset = cell_end + len(CELL_GAP)
        return None

    def cell_box(self, start: int, end: int) -> Box | None:
        """The box of the characters start..end: their cell's height, their estimated width."""
        span = self.x_span(start, end)
        if span is None:
            return self.box
        offset = 0
        for cell in self.cells:
            if start < offset + len(cell.text) and cell.box is not None:
                return span[0], cell.box[1], span[1], cell.box[3]
            offset += len(cell.text) + len(CELL_GAP)
        return self.box

    @property
    def top_fraction(self) -> float:
        """How far down its page the row starts (0 top, 1 bottom)."""
        return self.box[1] / self.page_height if self.box and self.page_height else self.index / 50


def bounds(line: common_pb2.Line) -> Box | None:
    if not line.box:
        return None
    xs, ys = [p.x for p in line.box], [p.y for p in line.box]
    return min(xs), min(ys), max(xs), max(ys)


def union(boxes: list[Box | None]) -> Box | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return min(b[0] for b in real), min(b[1] for b in real), max(b[2] for b in real), max(b[3] for b in real)


def _skew(lines: list[common_pb2.Line]) -> float:
    """The page's tilt as dy/dx, the median slope of the lines' top edges (a scan is rarely straight)."""
    slopes = sorted(
        (line.box[1].y - line.box[0].y) / (line.box[1].x - line.box[0].x)
        for line in lines
        if len(line.box) == 4 and line.box[1].x - line.box[0].x > 40
    )
    return slopes[len(slopes) // 2] if slopes else 0.0


_AMOUNT_HEAD = re.compile(r"\d[.,]?$")
_AMOUNT_TAIL = re.compile(r"^[.,]?\d{2}(?!\d)")


def _split_amounts_joined(cells: list[Cell]) -> list[Cell]:
    """One printed amount that OCR read as two boxes ("9   ,75", "9,   58"): the boxes joined again, where
    they sit close (less than two text heights apart) and together make an amount with its decimals."""
    out: list[Cell] = []
    for cell in cells:
        last = out[-1] if out else None
        if (
            last is not None
            and last.box is not None
            and cell.box is not None
            and _AMOUNT_HEAD.search(last.text)
            and _AMOUNT_TAIL.match(cell.text)
            and ("," in last.text[-1:] + cell.text[:1] or "." in last.text[-1:] + cell.text[:1])
            and cell.box[0] - last.box[2] < 2 * (cell.box[3] - cell.box[1])
        ):
            out[-1] = Cell(last.text + cell.text, min(last.confidence, cell.confidence), union([last.box, cell.box]))
            continue
        out.append(cell)
    return out


def visual_rows(pages: list[common_pb2.Page]) -> list[Row]:
    """Lines grouped into rows by vertical overlap (after undoing the page's tilt), left to right."""
    rows: list[Row] = []
    for page in pages:
        lines = [line for line in page.lines if line.text.strip()]
        if any(not line.box for line in lines):  # plain text: its lines are the rows
            for line in lines:
                cell = Cell(line.text, line.confidence or 1.0, None)
                rows.append(Row(line.text, cell.confidence, page.number, None, [cell], len(rows)))
            continue
        skew = _skew(lines)
        placed = []
        for line in lines:
            box = bounds(line)
            assert box is not None
            left_x = min(p.x for p in line.box)
            # the centre of the line's left end, moved as if the page were straight
            centre = sum(p.y for p in line.box) / len(line.box) - skew * (left_x + (box[2] - box[0]) / 2)
            height = max(abs(line.box[3].y - line.box[0].y), 1.0)
            placed.append((centre, height, left_x, line, box))
        placed.sort(key=lambda item: item[0])
        groups: list[list[tuple[float, float, float, common_pb2.Line, Box]]] = []
        for item in placed:
            if groups and abs(item[0] - groups[-1][0][0]) < 0.5 * max(item[1], groups[-1][0][1]):
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            group.sort(key=lambda item: item[2])
            cells = _split_amounts_joined(
                [Cell(item[3].text, item[3].confidence, item[4], item[3].inverted) for item in group]
            )
            rows.append(
                Row(
                    CELL_GAP.join(cell.text for cell in cells),
                    min(cell.confidence for cell in cells),
                    page.number,
                    union([cell.box for cell in cells]),
                    cells,
                    len(rows),
                    float(page.height),
                    float(page.width),
                )
            )
    return rows
