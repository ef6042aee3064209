"""Label rules as candidates over the whole page, each carrying named features for the fitted scorer.

Every value of the field's type near one of its labels is a candidate: on the same row to the right, a
little lower on the right (OCR split the printed line), or in a row just below and aligned with the label
(a column header). A label that is part of a stronger excluded label (SUB TOTAL for Total, Due date for
Date) gives nothing, and a value belongs to the nearest label on its row. What a candidate is worth is not
decided here: its features (the label's strength, where the value sits, how it is written) are, and
scoring.py weighs them with weights fitted on real documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.worker.extraction.context import DocumentContext
from services.worker.extraction.fieldtypes import FieldType
from services.worker.extraction.fieldtypes.string import SEPARATORS
from services.worker.extraction.labels import LabelMatch, find_labels
from services.worker.extraction.layout import CELL_GAP, Row
from services.worker.normalise import Found

# "Total (incl. GST)": a tax word after one of these is part of the label, not a label of its own
INCLUSIVE = re.compile(r"\(|\b(?:incl\w*|inc|including|inkl\w*|avec|con|ttc|with)\b", re.IGNORECASE)
BELOW_ROWS = 3  # how many rows under a label a value may sit (a two-line header, a blank line)
RIGHT_VALUES = 3  # values right of a label that are candidates (the first is nearly always the one)


@dataclass
class Candidate:
    value: Any
    row: Row
    start: int  # the value's span in row.text
    end: int
    how: str  # right | below | unlabelled | heading | legal | greeting | derived | locale
    label: str | None
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # the scorer's log-odds that this is the field's value
    text: str | None = None  # the value as printed, where it is not row.text[start:end]

    @property
    def printed(self) -> str:
        return self.text if self.text is not None else self.row.text[self.start : self.end]

    def describe(self) -> dict[str, Any]:
        return {"value": self.value, "how": self.how, "label": self.label, "text": self.printed}


def _common(context: DocumentContext, row: Row) -> dict[str, float]:
    """Features every candidate has: where its row is and how it is printed."""
    return {
        "page_position": min(row.top_fraction, 1.0),
        "line_height": min(context.relative_height(row), 4.0),
        "ocr_confidence": row.confidence,
    }


def _label_features(match: LabelMatch, row: Row) -> dict[str, float]:
    return {
        "labelled": 1.0,
        "label_similarity": match.similarity,
        "label_words": float(min(match.words - 1, 3)),
        "label_starts_row": float(not row.text[: match.start].strip(SEPARATORS)),
    }


def label_candidates(
    kind: FieldType, labels: list[str], excluded: list[str], others: list[str], context: DocumentContext
) -> list[Candidate]:
    """Values of `kind` right of or below a label, for every place a label occurs."""
    out: list[Candidate] = []
    rows = context.rows
    for row in rows:
        matches = find_labels(row.text, labels)
        if not matches:
            continue
        blockers = find_labels(row.text, excluded + others)
        pending = list(matches)
        while pending:
            match = pending.pop(0)
            if any(b.overlaps(match) and b.strength >= match.strength and _one_cell(row, b) for b in blockers):
                if not _one_cell(row, match):  # "Date | Facture #" read as "Date facture": "Date" may stand alone
                    pending[:0] = _in_its_cells(row, match, labels)
                continue  # the label is part of a stronger excluded one: SUB TOTAL, Due date
            if (
                excluded
                and not kind.find(row.text[match.end :], context.locale)
                and _continues_below_as(row, match, rows, excluded)
            ):
                continue  # a header over two lines ("Date" / "d'échéance"), not a label with its value beside it
            if kind.name == "string" and not _stands_as_label(row.text, match):
                continue  # "… STATIONERY SHOP" is a name, not the label "Shop"
            segment = _beside(row, match, matches, blockers)
            beside = _right_of(kind, row, match, segment, context)
            out += beside
            if kind.name == "string" and not beside and segment.strip(SEPARATORS):
                continue  # the label has a value of another kind beside it ("Payment   6.00"): it labels that
            every_label = labels + excluded + others
            out += _right_and_lower(kind, row, match, every_label, context)
            out += _below(kind, row, match, every_label, context)
    return out


def _one_cell(row: Row, match: LabelMatch) -> bool:
    return CELL_GAP not in row.text[match.start : match.end]


def _in_its_cells(row: Row, match: LabelMatch, labels: list[str]) -> list[LabelMatch]:
    """The labels a match across OCR boxes holds within each of its boxes, on their own."""
    out, start = [], match.start
    for cell in row.text[match.start : match.end].split(CELL_GAP):
        found = find_labels(cell, labels)
        out += [LabelMatch(start + m.start, start + m.end, m.similarity, m.words, m.label) for m in found]
        start += len(cell) + len(CELL_GAP)
    return out


def _aligned(
    label_x: tuple[float, float] | None, value_x: tuple[float, float] | None, tolerance: float
) -> float | None:
    """How far a value sits from the column under a label (0 overlapping), or None when it is not under it."""
    if label_x is None or value_x is None:
        return 0.0
    gap = max(0.0, max(label_x[0], value_x[0]) - min(label_x[1], value_x[1]))
    return gap if gap <= tolerance else None


def _continues_below_as(row: Row, match: LabelMatch, rows: list[Row], excluded: list[str]) -> bool:
    """Whether the label and the words right under it read as an excluded label (a two-line header)."""
    if row.index + 1 >= len(rows) or row.box is None:
        return False
    below = rows[row.index + 1]
    label_x = row.x_span(match.start, match.end)
    if below.page != row.page or below.box is None or label_x is None or below.box[1] - row.box[3] > row.height:
        return False
    under = [
        w.group()
        for w in re.finditer(r"\S+", below.text)
        if _aligned(label_x, below.x_span(w.start(), w.end()), tolerance=row.height) == 0.0
    ]
    if not under:
        return False
    combined = f"{row.text[match.start : match.end]} {' '.join(under)}"
    return any(m.start == 0 and m.strength > match.strength for m in find_labels(combined, excluded))


def _stands_as_label(text: str, match: LabelMatch) -> bool:
    """A label for free text must start its cell and be followed by a colon or the end of the cell: the
    value's shape cannot tell a label from the same word inside a sentence."""
    cell_start = text.rfind(CELL_GAP, 0, match.start)
    before = text[cell_start + len(CELL_GAP) if cell_start >= 0 else 0 : match.start]
    after = text[match.end :]
    return not before.strip(SEPARATORS) and (
        after.lstrip(" .").startswith(":") or after.startswith(CELL_GAP) or not after.strip()
    )


def is_label_only(text: str) -> bool:
    return text.rstrip().endswith(":") and len(text.split()) <= 3


def _right_of(kind: FieldType, row: Row, match: LabelMatch, segment: str, context: DocumentContext) -> list[Candidate]:
    """Values in the segment beside the label (`_beside`)."""
    found = kind.find(segment, context.locale)
    out = []
    for k, value in enumerate(found[:RIGHT_VALUES]):
        if kind.name == "string" and (is_label_only(str(value.value)) or not segment.strip(SEPARATORS)):
            continue
        features = _common(context, row) | _label_features(match, row) | kind.shape(value, context.locale)
        features |= {"right_of_label": 1.0, "value_rank_after_label": float(k)}
        if kind.name in ("money", "number") and len(found) > 1:
            features["several_values_on_row"] = 1.0
        start, end = match.end + value.start, match.end + value.end
        out.append(Candidate(value.value, row, start, end, "right", match.label, features))
    return out


def _beside(row: Row, match: LabelMatch, matches: list[LabelMatch], blockers: list[LabelMatch]) -> str:
    """The text right of a label on its row, up to the next label."""
    stops = [
        m.start
        for m in [*matches, *blockers]
        if m.start >= match.end and not m.overlaps(match) and not INCLUSIVE.search(row.text[match.end : m.start])
    ]
    return row.text[match.end : min(stops, default=len(row.text))]


def _right_and_lower(
    kind: FieldType, row: Row, match: LabelMatch, every_label: list[str], context: DocumentContext
) -> list[Candidate]:
    """A value right of its label but printed a little lower, so that OCR put it in the next visual row
    (the two rows overlap): "Référence de la facture :" beside a value set half a line down."""
    rows = context.rows
    if kind.name == "string" or row.index + 1 >= len(rows) or row.box is None:
        return []
    lower = rows[row.index + 1]
    label_x = row.x_span(match.start, match.end)
    if lower.page != row.page or lower.box is None or label_x is None:
        return []
    overlap = min(row.box[3], lower.box[3]) - max(row.box[1], lower.box[1])
    if overlap < 0.5 * (lower.box[3] - lower.box[1]):  # half a line down at most: the same printed line
        return []
    for value in kind.find(lower.text, context.locale):
        value_x = lower.x_span(value.start, value.end)
        if value_x is None or not 0 <= value_x[0] - label_x[1] <= 8 * row.height:
            continue
        if find_labels(_cell_before(lower, value.start), every_label):
            continue  # the value has a label of its own, beside it
        features = _common(context, lower) | _label_features(match, row) | kind.shape(value, context.locale)
        features["lower_right_of_label"] = 1.0
        return [Candidate(value.value, lower, value.start, value.end, "right", match.label, features)]
    return []


def _below(
    kind: FieldType, row: Row, match: LabelMatch, every_label: list[str], context: DocumentContext
) -> list[Candidate]:
    rows = context.rows
    label_x = row.x_span(match.start, match.end)
    for step in range(1, BELOW_ROWS + 1):
        if row.index + step >= len(rows):
            break
        below = rows[row.index + step]
        if below.page != row.page:
            break
        if row.box and below.box and below.box[1] - row.box[3] > 3 * max(row.height, below.height):
            break
        best: tuple[float, Found] | None = None
        values = kind.find(below.text, context.locale) if kind.name != "string" else _cells_as_values(below)
        for value in values:
            distance = _aligned(label_x, below.x_span(value.start, value.end), tolerance=row.height)
            if distance is None:
                continue
            if kind.name != "string" and find_labels(_cell_before(below, value.start), every_label):
                continue  # the value has a label of its own, beside it
            if best is None or distance < best[0]:
                best = (distance, value)
        if best is not None:
            value = best[1]
            if kind.name == "string" and (
                find_labels(str(value.value), every_label)
                or is_label_only(below.text[value.start :].split(CELL_GAP)[0])  # the cell as printed, colon too
            ):
                return []  # a label of its own below this one ("Change Due :"): the value is not further down
            features = _common(context, below) | _label_features(match, row) | kind.shape(value, context.locale)
            features |= {"below_label": 1.0, "rows_below_label": float(step - 1)}
            return [Candidate(value.value, below, value.start, value.end, "below", match.label, features)]
    return []


def _cells_as_values(row: Row) -> list[Found]:
    out, offset = [], 0
    for cell in row.cells:
        text = cell.text.lstrip(SEPARATORS).rstrip(" \t:|")
        if text and any(c.isalpha() for c in text):
            start = offset + cell.text.find(text)
            out.append(Found(start, start + len(text), text, True))
        offset += len(cell.text) + len(CELL_GAP)
    return out


def _cell_before(row: Row, offset: int) -> str:
    """The text of the value's own cell before it: where a label beside the value would be."""
    start = row.text.rfind(CELL_GAP, 0, offset)
    return row.text[start + len(CELL_GAP) if start >= 0 else 0 : offset]
