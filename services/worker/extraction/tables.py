"""Table rules: the rows under a header row, each read column by column from where its words sit.

The header row is the first with at least half the columns' headers. Each header found marks its
column's horizontal extent; the header row's other words mark columns the template does not ask for
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
    for name, match in found.items():
        span = row.x_span(match.start, match.end)
        if span is None:
            return []  # no boxes: the caller reads the rows from the right
        anchors.append(Anchor(name, *span))
    for word in _WORD_SPAN.finditer(row.text):
        if any(m.start < word.end() and word.start() < m.end for m in found.values()):
            continue
        span = row.x_span(word.start(), word.end())
        if span is not None:
            anchors.append(Anchor(None, *span))
    return anchors


def _pieces(row: Row) -> list[Piece]:
    """A row cut into amounts and runs of words, each with its estimated horizontal extent."""
    pieces = []
    offset = 0
    for cell in row.cells:
        cursor = 0
        for found in find_amounts(cell.text):
            pieces += _words(row, cell.text[cursor : found.start], offset + cursor)
            span = row.x_span(offset + found.start, offset + found.end)
            if span:
                pieces.append(Piece(cell.text[found.start : found.end], *span, float(found.value)))
            cursor = found.end
        pieces += _words(row, cell.text[cursor:], offset + cursor)
        offset += len(cell.text) + len(CELL_GAP)
    return pieces


def _words(row: Row, text: str, offset: int) -> list[Piece]:
    out = []
    for word in _WORD_SPAN.finditer(text):
        span = row.x_span(offset + word.start(), offset + word.end())
        if span:
            out.append(Piece(word.group(), *span, None))
    return out


def _column_of(piece: Piece, anchors: list[Anchor]) -> str | None:
    """Amounts go to the column they overlap most (or the nearest); words to the column they start in,
    since text runs on to the right of its header (a long description passes under the next header)."""
    if piece.amount is None:
        started = [a for a in anchors if a.left <= piece.left + 0.5 * (piece.right - piece.left)]
        if started:
            return max(started, key=lambda a: a.left).column

    def fit(anchor: Anchor) -> tuple[float, float]:
        overlap = min(piece.right, anchor.right) - max(piece.left, anchor.left)
        centre = abs((piece.left + piece.right) / 2 - (anchor.left + anchor.right) / 2)
        return (-overlap if overlap > 0 else 0.0), centre

    return min(anchors, key=fit).column


def _read_row(row: Row, anchors: list[Anchor], columns: list[templates_pb2.TableColumn]) -> tuple[dict[str, Any], bool]:
    """The row's values by column, and whether every typed column got one."""
    taken: dict[str, list[Piece]] = {}
    for piece in _pieces(row):
        name = _column_of(piece, anchors)
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
    pieces = _pieces(row)
    if not pieces or any(p.amount is not None for p in pieces):
        return None
    if all(_column_of(p, anchors) in text_columns for p in pieces):
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
        while position < len(rows) and rows[position].page == row.page:
            below = rows[position]
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
