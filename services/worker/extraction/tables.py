"""Table rules: the rows under a header row, each read column by column from where its words sit.

The header row is the first with at least half the columns' headers. Each header's cell marks its
column's horizontal extent; the header row's other cells mark columns the template does not ask for
(a reference, a tax rate, a line total), so their values are not taken by mistake. A row's amounts and
words go to the column they sit under. A row of words only, under the text column, continues the item
above it (a description printed over two lines). Rows without boxes (plain text) are read from the
right instead: typed columns take the last numbers, the text column what is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ocrbatch.v1 import templates_pb2
from services.worker.extraction.labels import best_label, find_labels
from services.worker.extraction.layout import CELL_GAP, Row
from services.worker.normalise import find_amounts, normalise, parse_date

_SEPARATORS = " \t:#.-–—=|"
_THOUSANDS_SPACE = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?=,\d{1,2}\b)")
_GLUED_NUMBER = re.compile(r"^(.*[^\W\d_])(\d[\d.,]*)$")
_WORD_SPAN = re.compile(r"\S+")
_GLUED_AMOUNT = re.compile(r"(?<![\w.,])\d{1,3}(?:[ .]\d{3})*[.,]\d{2}(?=[^\W\d_]{2,})")


@dataclass
class Anchor:
    column: str | None  # None: a column of the page that the template does not ask for
    left: float
    right: float


@dataclass
class Piece:
    text: str
    left: float
    right: float
    amount: float | None
    run: int = 0  # words printed together (one OCR box, between amounts) share a run
    cell: int = 0  # the OCR box it was read from


@dataclass
class Table:
    items: list[dict[str, Any]]
    rows: list[Row]  # the header row, then the rows read


def _anchors(row: Row, columns: list[templates_pb2.TableColumn]) -> list[Anchor] | None:
    needed = max(1, (len(columns) + 1) // 2)
    found = {}
    for column in columns:
        match = best_label(row.text, list(column.headers))
        if match and not any(match.overlaps(other) for other in found.values()):
            found[column.name] = match
    if len(found) < needed:
        return None
    anchors = []
    offset = 0
    for cell in row.cells:  # a header's cell is its column's extent: "PRIX UNIT. HT" is one header
        start, end = offset, offset + len(cell.text)
        offset = end + len(CELL_GAP)
        inside = sorted((m.start, name) for name, m in found.items() if start <= m.start < end)
        if not inside:
            inside = [(start, None)]
        for k, (begin, name) in enumerate(inside):
            if k == 0:
                begin = start
            stop = inside[k + 1][0] if k + 1 < len(inside) else end
            span = row.x_span(begin, max(begin + 1, len(row.text[:stop].rstrip())))
            if span is None:
                if name is not None:
                    return []  # no boxes: the caller reads the rows from the right
                continue
            anchors.append(Anchor(name, *span))
    return anchors


def _pieces(row: Row, anchors: list[Anchor] | None = None) -> list[Piece]:
    """A row cut into amounts and words, each with its estimated horizontal extent. With the table's
    columns, OCR boxes well left or right of every column are left out: a page's side block (an address
    printed beside the items) is not part of the table."""
    pieces: list[Piece] = []
    offset = 0
    for number, cell in enumerate(row.cells):
        found_in_cell: list[Piece] = []
        # an amount glued to the next word by OCR ("300,00TVA 10%") ends where the word starts
        cuts = [0, *(m.end() for m in _GLUED_AMOUNT.finditer(cell.text)), len(cell.text)]
        for start, end in zip(cuts, cuts[1:], strict=False):
            text, at = cell.text[start:end], offset + start
            cursor = 0
            for found in find_amounts(text):
                found_in_cell += _words(row, text[cursor : found.start], at + cursor, len(pieces) + len(found_in_cell))
                span = row.x_span(at + found.start, at + found.end)
                if span:
                    amount = float(found.value)
                    found_in_cell.append(
                        Piece(text[found.start : found.end], *span, amount, len(pieces) + len(found_in_cell))
                    )
                cursor = found.end
            found_in_cell += _words(row, text[cursor:], at + cursor, len(pieces) + len(found_in_cell))
        for piece in found_in_cell:
            piece.cell = number
        if not (anchors and found_in_cell and _beside_the_table(found_in_cell, anchors, row.height)):
            pieces += found_in_cell
        offset += len(cell.text) + len(CELL_GAP)
    return pieces


def _beside_the_table(cell: list[Piece], anchors: list[Anchor], height: float) -> bool:
    margin = 2 * max(height, 1.0)
    left, right = min(p.left for p in cell), max(p.right for p in cell)
    return right < min(a.left for a in anchors) - margin or left > max(a.right for a in anchors) + margin


def _words(row: Row, text: str, offset: int, run: int) -> list[Piece]:
    out = []
    for word in _WORD_SPAN.finditer(text):
        span = row.x_span(offset + word.start(), offset + word.end())
        if span:
            out.append(Piece(word.group(), *span, None, run))
    return out


def _overlap(piece: Piece, anchor: Anchor) -> float:
    return min(piece.right, anchor.right) - max(piece.left, anchor.left)


def _column_of(piece: Piece, anchors: list[Anchor]) -> str | None:
    """Amounts go to the column they overlap most (or the nearest); words to the column they start in,
    since text runs on to the right of its header (a long description passes under the next header)."""
    if piece.amount is None:
        started = [a for a in anchors if a.left <= piece.left + 0.5 * (piece.right - piece.left)]
        if started:
            return max(started, key=lambda a: a.left).column

    def fit(anchor: Anchor) -> tuple[float, float]:
        overlap = _overlap(piece, anchor)
        centre = abs((piece.left + piece.right) / 2 - (anchor.left + anchor.right) / 2)
        return (-overlap if overlap > 0 else 0.0), centre

    return min(anchors, key=fit).column


def _columns(pieces: list[Piece], anchors: list[Anchor]) -> list[str | None]:
    """Each piece's column. A word under a header belongs to the leftmost column it passes under (text
    runs on to the right); a word under none goes with the words printed with it, so a description
    wider than its centred header ("Grande table de réunion" under "Désignation") stays whole; a run of
    words under no header at all goes to the nearest column ("de Temps)", the end of a description)."""
    columns = [_column_of(p, anchors) for p in pieces]
    placed: dict[int, str | None] = {}
    for k, piece in enumerate(pieces):
        under = [a for a in anchors if _overlap(piece, a) > 0]
        if piece.amount is None and under:
            placed[k] = columns[k] = min(under, key=lambda a: a.left).column
    for k, piece in enumerate(pieces):
        if piece.amount is not None or k in placed:
            continue
        same_run = sorted((j for j in placed if pieces[j].run == piece.run), key=lambda j: abs(j - k))
        if same_run:
            columns[k] = placed[same_run[0]]
            continue
        run = [p for p in pieces if p.run == piece.run]
        left, right = min(p.left for p in run), max(p.right for p in run)
        before = [a for a in anchors if a.right <= left]
        after = [a for a in anchors if a.left >= right]
        nearest = [(left - max(a.right for a in before), max(before, key=lambda a: a.right))] if before else []
        nearest += [(min(a.left for a in after) - right, min(after, key=lambda a: a.left))] if after else []
        if nearest:
            columns[k] = min(nearest, key=lambda n: n[0])[1].column
    return columns


def _read_row(row: Row, anchors: list[Anchor], columns: list[templates_pb2.TableColumn]) -> tuple[dict[str, Any], bool]:
    """The row's values by column, and whether every typed column got one."""
    taken: dict[str, list[Piece]] = {}
    pieces = _pieces(row, anchors)
    for piece, name in zip(pieces, _columns(pieces, anchors), strict=True):
        if name is not None:
            taken.setdefault(name, []).append(piece)
    values: dict[str, Any] = {}
    complete = True
    for column in columns:
        kind = column.type or "string"
        pieces = taken.get(column.name, [])
        if kind in ("number", "money"):
            amounts = [p.amount for p in pieces if p.amount is not None]
            value: Any = amounts[0] if amounts else None
            if value is not None and kind == "number" and float(value).is_integer():
                value = int(value)
        elif kind == "date":
            value = parse_date(" ".join(p.text for p in pieces))
        else:
            value = " ".join(p.text for p in pieces).strip(_SEPARATORS) or None
        values[column.name] = value
        complete &= value is not None or kind == "string"
    return values, complete


def _text_only(row: Row, anchors: list[Anchor], text_columns: set[str]) -> str | None:
    pieces = _pieces(row, anchors)
    if not pieces or any(p.amount is not None for p in pieces):
        return None
    if all(name in text_columns for name in _columns(pieces, anchors)):
        return " ".join(p.text for p in pieces)
    return None


def _unfinished(text: str) -> bool:
    return text.count("(") > text.count(")")


def read_table(rule: templates_pb2.TableRule, rows: list[Row]) -> Table:
    columns = list(rule.columns)
    text_columns = {c.name for c in columns if (c.type or "string") == "string"}
    stops = list(rule.stop_labels)
    for index, row in enumerate(rows):
        anchors = _anchors(row, columns)
        if anchors is None:
            continue
        if not anchors:
            return _read_from_the_right(rule, rows, index)
        items: list[dict[str, Any]] = []
        used = [row]
        position = index + 1
        beside = 0
        while position < len(rows) and rows[position].page == row.page:
            below = rows[position]
            if items and beside < 2 and not _pieces(below, anchors):
                beside += 1  # only words beside the table on this row: the items go on below it
                position += 1
                continue
            beside = 0
            values, complete = _read_row(below, anchors, columns)
            if complete and any(values[c] for c in text_columns or values):
                items.append(values)
                used.append(below)
                position += 1
                continue
            extra = _text_only(below, anchors, text_columns) if items and text_columns else None
            if extra is not None and not (stops and find_labels(below.text, stops)):
                following = rows[position + 1] if position + 1 < len(rows) else None
                continues_item = following is not None and _read_row(following, anchors, columns)[1]
                name = next(c.name for c in columns if c.name in text_columns)
                if _unfinished(items[-1][name] or "") or continues_item:
                    items[-1][name] = f"{items[-1][name]} {extra}".strip()
                    used.append(below)
                    position += 1
                    continue
            break
        if items:
            return Table(items, used)
        fallback = _read_from_the_right(rule, rows, index)  # one OCR box for a whole row: no columns to see
        if fallback.items:
            return fallback
    return Table([], [])


def _join_thousands(cell: str) -> str:
    """'1 230,84' → '1230,84' inside one cell, so a space-grouped amount stays one token."""
    return _THOUSANDS_SPACE.sub(lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group()), cell)


def _parse_from_the_right(text: str, columns: list[templates_pb2.TableColumn]) -> dict[str, Any] | None:
    tokens = [token for cell in re.split(r"\s{3,}", text) for token in _join_thousands(cell).split()]
    values: dict[str, Any] = {}
    for column in reversed(columns):  # typed columns are read from the right, text takes what is left
        kind = column.type or "string"
        if kind == "string":
            continue
        while tokens:
            token = tokens.pop()
            glued = _GLUED_NUMBER.match(token) if kind != "date" else None
            if glued:  # OCR dropped a space: "expenses2" is the text "expenses" and the number 2
                tokens.append(glued.group(1))
                token = glued.group(2)
            value = normalise(kind, token)
            if value is not None:
                values[column.name] = value
                break
            if token.strip(_SEPARATORS):
                return None  # a non-numeric token where a number belongs: not a row of this table
        else:
            return None
    text_columns = [c for c in columns if (c.type or "string") == "string"]
    rest = " ".join(tokens).lstrip(_SEPARATORS).rstrip(" \t:|")
    if text_columns:
        if not rest:
            return None
        values[text_columns[0].name] = rest
        for column in text_columns[1:]:
            values[column.name] = None
    return {c.name: values.get(c.name) for c in columns}


def _read_from_the_right(rule: templates_pb2.TableRule, rows: list[Row], header: int) -> Table:
    items, used = [], [rows[header]]
    for below in rows[header + 1 :]:
        if below.page != rows[header].page:
            break
        first_word = re.match(r"\s*\S+", below.text)
        if rule.stop_labels and first_word and find_labels(first_word.group(), list(rule.stop_labels)):
            break
        parsed = _parse_from_the_right(below.text, list(rule.columns))
        if parsed is None:
            break
        items.append(parsed)
        used.append(below)
    return Table(items, used if items else [])
