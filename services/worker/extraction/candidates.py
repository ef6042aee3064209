"""Label rules as candidates scored over the whole page, instead of the first label that matches.

Every value of the field's type near one of its labels is a candidate: on the same row to the right,
or in a row just below and aligned with the label (a column header). A candidate scores for the
strength of its label, where it sits, how cleanly it is written, and what the field's role knows
(a total that makes the arithmetic hold; an issuer's name at the top). A label that is part of a
stronger excluded label (SUB TOTAL for Total, Due date for Date) gives nothing, and a value belongs to
the nearest label on its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.worker.extraction.labels import LabelMatch, find_labels
from services.worker.extraction.layout import CELL_GAP, Row
from services.worker.normalise import Found, find_amounts, find_dates, find_identifiers

_SEPARATORS = " \t:#.-–—=|"  # stripped before a string value
_TRAILING = " \t:|"  # stripped after it (a final dot can belong to the value: "S.L.")
# "Total (incl. GST)": a tax word after one of these is part of the label, not a label of its own
INCLUSIVE = re.compile(r"\(|\b(?:incl\w*|inc|including|inkl\w*|avec|con|ttc|with)\b", re.IGNORECASE)
BELOW_ROWS = 3  # how many rows under a label a value may sit (a two-line header, a blank line)


@dataclass
class Candidate:
    value: Any
    row: Row
    start: int  # the value's span in row.text
    end: int
    how: str  # right | below | unlabelled | heading
    label: str | None
    score: float
    notes: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "how": self.how,
            "label": self.label,
            "text": self.row.text[self.start : self.end] if self.how != "heading" else self.value,
            "score": round(self.score, 3),
        }


def values_in(kind: str, text: str) -> list[Found]:
    """The values of a field type in a piece of text, left to right."""
    if kind == "date":
        return find_dates(text)
    if kind in ("money", "number"):
        found = find_amounts(text)
        if kind == "number":
            found = [
                Found(f.start, f.end, int(f.value) if float(f.value).is_integer() else f.value, True) for f in found
            ]
        return found
    if kind == "identifier":
        return find_identifiers(text)
    stripped = text.lstrip(_SEPARATORS)
    value = stripped.rstrip(_TRAILING)
    if not value or not any(c.isalnum() for c in value) or _is_amount(value):
        return []
    start = len(text) - len(stripped)
    return [Found(start, start + len(value), value, True)]


def _is_amount(value: str) -> bool:
    """A money amount and nothing else ('50.00', 'RM 9.00'): never a string field's value, which is the money
    type's — beside a string field's label it is a neighbouring figure ("Payment : 50.00" is the sum handed
    over, not how it was paid). Codes and plain numbers ('INV-77', '12345') stay strings."""
    amounts = find_amounts(value)
    return len(amounts) == 1 and amounts[0].clean and amounts[0].start == 0 and amounts[0].end == len(value)


def _shape(kind: str, found: Found) -> tuple[float, str | None]:
    if kind == "identifier":
        code = str(found.value)
        if len(code) >= 6 and (any(c.isalpha() for c in code) or any(c in "/-_." for c in code)):
            return 0.1, "shaped like a reference code"
        if code.isdigit() and len(code) <= 4:
            return -0.1, "a short bare number"
    if found.clean:
        return 0.0, None
    if kind == "money":
        return -0.2, "amount without decimals"
    if kind == "identifier":
        return -0.2, "fewer than three digits"
    if kind == "date":
        return -0.03, "two-digit year"
    return 0.0, None


def _aligned(
    label_x: tuple[float, float] | None, value_x: tuple[float, float] | None, tolerance: float
) -> float | None:
    """How far a value sits from the column under a label (0 overlapping), or None when it is not under it."""
    if label_x is None or value_x is None:
        return 0.0
    gap = max(0.0, max(label_x[0], value_x[0]) - min(label_x[1], value_x[1]))
    return gap if gap <= tolerance else None


def label_candidates(
    kind: str, labels: list[str], excluded: list[str], others: list[str], rows: list[Row]
) -> list[Candidate]:
    """Values of `kind` right of or below a label, for every place a label occurs."""
    out: list[Candidate] = []
    for row in rows:
        matches = find_labels(row.text, labels)
        if not matches:
            continue
        blockers = find_labels(row.text, excluded + others)
        for match in matches:
            if any(b.overlaps(match) and b.strength >= match.strength and _one_cell(row, b) for b in blockers):
                continue  # the label is part of a stronger excluded one: SUB TOTAL, Due date
            if (
                excluded
                and not values_in(kind, row.text[match.end :])
                and _continues_below_as(row, match, rows, excluded)
            ):
                continue  # a header over two lines ("Date" / "d'échéance"), not a label with its value beside it
            if kind == "string" and not _stands_as_label(row.text, match):
                continue  # "… STATIONERY SHOP" is a name, not the label "Shop"
            segment = _beside(row, match, matches, blockers)
            beside = _right_of(kind, row, match, segment)
            out += beside
            if kind == "string" and not beside and segment.strip(_SEPARATORS):
                continue  # the label has a value of another kind beside it ("Payment   6.00"): it labels that
            out += _right_and_lower(kind, row, match, rows, labels + excluded + others)
            out += _below(kind, row, match, rows, labels + excluded + others)
    return out


def _one_cell(row: Row, match: LabelMatch) -> bool:
    return CELL_GAP not in row.text[match.start : match.end]


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
    return not before.strip(_SEPARATORS) and (
        after.lstrip(" .").startswith(":") or after.startswith(CELL_GAP) or not after.strip()
    )


def _label_score(match: LabelMatch) -> float:
    return match.similarity + min(0.1 * (match.words - 1), 0.2)


def _right_of(kind: str, row: Row, match: LabelMatch, segment: str) -> list[Candidate]:
    """Values in the segment beside the label (`_beside`)."""
    found = values_in(kind, segment)
    out = []
    for k, value in enumerate(found[:3]):
        shape, why = _shape(kind, value)
        score = _label_score(match) + shape - 0.12 * k
        notes = [n for n in (why, f"value {k + 1} after the label" if k else None) if n]
        if kind in ("money", "number") and len(found) > 1:
            score -= 0.1
            notes.append("several amounts on the row")
        if kind == "string" and (is_label_only(value.value) or not segment.strip(_SEPARATORS)):
            continue
        out.append(
            Candidate(
                value.value, row, match.end + value.start, match.end + value.end, "right", match.label, score, notes
            )
        )
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
    kind: str, row: Row, match: LabelMatch, rows: list[Row], every_label: list[str]
) -> list[Candidate]:
    """A value right of its label but printed a little lower, so that OCR put it in the next visual row
    (the two rows overlap): "Référence de la facture :" beside a value set half a line down."""
    if kind == "string" or row.index + 1 >= len(rows) or row.box is None:
        return []
    lower = rows[row.index + 1]
    label_x = row.x_span(match.start, match.end)
    if lower.page != row.page or lower.box is None or label_x is None:
        return []
    overlap = min(row.box[3], lower.box[3]) - max(row.box[1], lower.box[1])
    if overlap < 0.5 * (lower.box[3] - lower.box[1]):  # half a line down at most: the same printed line
        return []
    out = []
    for value in values_in(kind, lower.text):
        value_x = lower.x_span(value.start, value.end)
        if value_x is None or not 0 <= value_x[0] - label_x[1] <= 8 * row.height:
            continue
        if find_labels(_cell_before(lower, value.start), every_label):
            continue  # the value has a label of its own, beside it
        shape, why = _shape(kind, value)
        notes = [n for n in (why, "right of the label, a little lower") if n]
        score = _label_score(match) - 0.05 + shape
        out.append(Candidate(value.value, lower, value.start, value.end, "right", match.label, score, notes))
        break
    return out


def is_label_only(text: str) -> bool:
    return text.rstrip().endswith(":") and len(text.split()) <= 3


def _below(kind: str, row: Row, match: LabelMatch, rows: list[Row], every_label: list[str]) -> list[Candidate]:
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
        for value in values_in(kind, below.text) if kind != "string" else _cells_as_values(below):
            distance = _aligned(label_x, below.x_span(value.start, value.end), tolerance=row.height)
            if distance is None:
                continue
            if kind != "string" and find_labels(_cell_before(below, value.start), every_label):
                continue  # the value has a label of its own, beside it
            if best is None or distance < best[0]:
                best = (distance, value)
        if best is not None:
            value = best[1]
            if kind == "string" and (
                find_labels(str(value.value), every_label)
                or is_label_only(below.text[value.start :].split(CELL_GAP)[0])  # the cell as printed, colon too
            ):
                return []  # a label of its own below this one ("Change Due :"): the value is not further down
            shape, why = _shape(kind, value)
            score = _label_score(match) - 0.08 - 0.06 * (step - 1) + shape
            notes = [n for n in (why, f"{step} rows below the label" if step > 1 else None) if n]
            return [Candidate(value.value, below, value.start, value.end, "below", match.label, score, notes)]
    return []


def _cells_as_values(row: Row) -> list[Found]:
    out, offset = [], 0
    for cell in row.cells:
        text = cell.text.lstrip(_SEPARATORS).rstrip(_TRAILING)
        if text and any(c.isalpha() for c in text):
            start = offset + cell.text.find(text)
            out.append(Found(start, start + len(text), text, True))
        offset += len(cell.text) + 3
    return out


def _cell_before(row: Row, offset: int) -> str:
    """The text of the value's own cell before it: where a label beside the value would be."""
    start = row.text.rfind("   ", 0, offset)
    return row.text[start + 3 if start >= 0 else 0 : offset]


def unlabelled_dates(rows: list[Row], excluded: list[str]) -> list[Candidate]:
    """Every date on the page, for a date field whose label is not printed (most receipts)."""
    out = []
    for row in rows:
        blockers = find_labels(row.text, excluded)
        for value in find_dates(row.text):
            if any(b.end <= value.start for b in blockers):
                continue  # a due date, an expiry date
            score = 0.5 + _shape("date", value)[0] - 0.1 * min(row.top_fraction, 1.0)
            notes = ["no label"]
            if re.match(r"\s*\d{1,2}:\d{2}", row.text[value.end :]):
                score += 0.05
                notes.append("followed by a time")
            out.append(Candidate(value.value, row, value.start, value.end, "unlabelled", None, score, notes))
    return out
