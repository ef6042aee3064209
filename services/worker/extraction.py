"""Applies a template to recognised pages: regex, label and table rules, typed values, with provenance.

Every field comes back as {value, confidence, page, box}; the plain values form the record's
processingResult. Rules read visual rows: OCR lines that sit side by side are joined first, so a label
and its value in separate boxes, or a table header split in pieces, read as one row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from ocrbatch.v1 import common_pb2, templates_pb2
from services.worker.normalise import fold, normalise

LABEL_MATCH = 0.8  # similarity a label needs (0..1) to count as found despite OCR noise
_WORD = re.compile(r"[^\W_]+|[#°№]", re.UNICODE)
_SEPARATORS = " \t:#.-–—=|"  # stripped before a value
_TRAILING = " \t:|"  # stripped after it (a final dot can belong to the value: "S.L.")
# Space-grouped thousands go with a decimal comma (1 230,84); "2 125.00" stays a quantity and a price.
_THOUSANDS_SPACE = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?=,\d{1,2}\b)")
_GLUED_NUMBER = re.compile(r"^(.*[^\W\d_])(\d[\d.,]*)$")
_KEY_VALUE = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(\S.*)$")


@dataclass
class Row:
    text: str
    confidence: float
    page: int
    box: tuple[float, float, float, float] | None  # left, top, right, bottom


@dataclass
class Extracted:
    values: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


def _bounds(line: common_pb2.Line) -> tuple[float, float, float, float] | None:
    if not line.box:
        return None
    xs, ys = [p.x for p in line.box], [p.y for p in line.box]
    return min(xs), min(ys), max(xs), max(ys)


def _union(boxes: list[tuple[float, float, float, float] | None]) -> tuple[float, float, float, float] | None:
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


def visual_rows(pages: list[common_pb2.Page]) -> list[Row]:
    """Lines grouped into rows by vertical overlap (after undoing the page's tilt), left to right."""
    rows: list[Row] = []
    for page in pages:
        lines = [line for line in page.lines if line.text.strip()]
        if any(not line.box for line in lines):  # plain text: its lines are the rows
            rows += [Row(line.text, line.confidence or 1.0, page.number, None) for line in lines]
            continue
        skew = _skew(lines)
        placed = []
        for line in lines:
            box = _bounds(line)
            assert box is not None
            left_x = min(p.x for p in line.box)
            # the centre of the line's left end, moved as if the page were straight
            centre = sum(p.y for p in line.box) / len(line.box) - skew * (left_x + (box[2] - box[0]) / 2)
            height = max(abs(line.box[3].y - line.box[0].y), 1.0)
            placed.append((centre, height, left_x, line, box))
        placed.sort(key=lambda item: item[0])
        groups: list[list[tuple[float, float, float, common_pb2.Line, tuple[float, float, float, float]]]] = []
        for item in placed:
            if groups and abs(item[0] - groups[-1][0][0]) < 0.5 * max(item[1], groups[-1][0][1]):
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            group.sort(key=lambda item: item[2])
            rows.append(
                Row(
                    "   ".join(item[3].text for item in group),
                    min(item[3].confidence for item in group),
                    page.number,
                    _union([item[4] for item in group]),
                )
            )
    return rows


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]


def _ocr_fold(text: str) -> str:
    return text.replace("0", "o").replace("1", "l").replace("|", "l").replace("5", "s")


def find_label(row: str, labels: list[str]) -> tuple[float, int] | None:
    """Best match of any label in the row: (similarity, end offset of the matched label in the row)."""
    words = _words(row)
    best: tuple[float, int] | None = None
    for label in labels:
        target = [fold(w) for w in _WORD.findall(label)]
        n = len(target)
        if not n:
            continue
        wanted = _ocr_fold(" ".join(target))
        for start in range(0, len(words) - n + 1):
            window = words[start : start + n]
            ratio = SequenceMatcher(None, wanted, _ocr_fold(" ".join(w for _, _, w in window))).ratio()
            if ratio >= LABEL_MATCH and (best is None or ratio > best[0]):
                best = (ratio, window[-1][1])
    return best


def _detail(value: Any, confidence: float, row: Row | None) -> dict[str, Any]:
    box = None
    if row is not None and row.box is not None:
        left, top, right, bottom = (round(v, 1) for v in row.box)
        box = [[left, top], [right, top], [right, bottom], [left, bottom]]
    return {
        "value": value,
        "confidence": round(confidence, 4),
        "page": row.page if row else None,
        "box": box,
    }


def _regex(rule: templates_pb2.RegexRule, kind: str, rows: list[Row]) -> dict[str, Any]:
    pattern = re.compile(rule.pattern, re.IGNORECASE)
    for row in rows:
        match = pattern.search(row.text)
        if match and match.group(1) is not None:
            value = normalise(kind, match.group(1))
            if value is not None:
                return _detail(value, row.confidence, row)
    return _detail(None, 0.0, None)


def _label(rule: templates_pb2.LabelRule, kind: str, rows: list[Row]) -> dict[str, Any]:
    labels = [label for label in rule.labels if label.strip()]
    candidates: list[tuple[float, int, int]] = []  # (similarity, row index, label end)
    for index, row in enumerate(rows):
        found = find_label(row.text, labels)
        if found:
            candidates.append((found[0], index, found[1]))
    # the closest match first; among equals, the one nearest the top of the document
    for ratio, index, end in sorted(candidates, key=lambda c: (-c[0], c[1])):
        row = rows[index]
        value = normalise(kind, row.text[end:].lstrip(_SEPARATORS).rstrip(_TRAILING))
        if value is not None:
            return _detail(value, row.confidence * ratio, row)
        below = rows[index + 1] if index + 1 < len(rows) and rows[index + 1].page == row.page else None
        if below is not None and find_label(below.text, labels) is None:
            value = normalise(kind, below.text.lstrip(_SEPARATORS).rstrip(_TRAILING))
            if value is not None:
                return _detail(value, below.confidence * ratio, below)
    return _detail(None, 0.0, None)


def _join_thousands(cell: str) -> str:
    """'1 230,84' → '1230,84' inside one cell, so a space-grouped amount stays one token."""
    return _THOUSANDS_SPACE.sub(lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group()), cell)


def _parse_table_row(text: str, columns: list[templates_pb2.TableColumn]) -> dict[str, Any] | None:
    # cells are the OCR boxes of the row (joined by wide gaps); numbers are never split across them
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
            if token.strip(_SEPARATORS) and kind != "string":
                return None  # a non-numeric token where a number belongs: not a row of this table
        else:
            return None
    text_columns = [c for c in columns if (c.type or "string") == "string"]
    rest = " ".join(tokens).lstrip(_SEPARATORS).rstrip(_TRAILING)
    if text_columns:
        if not rest:
            return None
        values[text_columns[0].name] = rest
        for column in text_columns[1:]:
            values[column.name] = None
    return {c.name: values.get(c.name) for c in columns}


def _table(rule: templates_pb2.TableRule, rows: list[Row]) -> dict[str, Any]:
    columns = list(rule.columns)
    needed = max(1, (len(columns) + 1) // 2)
    for index, row in enumerate(rows):
        found = [c for c in columns if find_label(row.text, list(c.headers))]
        if len(found) < needed:
            continue
        items, used = [], []
        for below in rows[index + 1 :]:
            if below.page != row.page:
                break
            words = _words(below.text)
            head = below.text[: words[0][1]] if words else ""
            if rule.stop_labels and words and find_label(head, list(rule.stop_labels)):
                break
            parsed = _parse_table_row(below.text, columns)
            if parsed is None:
                break
            items.append(parsed)
            used.append(below)
        if items:
            confidence = min(r.confidence for r in used)
            box_row = Row("", confidence, row.page, _union([r.box for r in [row, *used]]))
            return _detail(items, confidence, box_row)
    return _detail([], 0.0, None)


def key_values(rows: list[Row]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for row in rows:
        for part in re.split(r"\s{3,}", row.text):  # side-by-side pairs on one visual row
            match = _KEY_VALUE.match(part)
            if match and match.group(1) not in pairs:
                pairs[match.group(1)] = match.group(2).strip()
    return pairs


def extract(template: templates_pb2.Template, pages: list[common_pb2.Page], text: str) -> Extracted:
    rows = visual_rows(pages)
    out = Extracted()
    if template.key_values:
        pairs = key_values(rows)
        out.values = {"keyValues": pairs, "text": text}
        out.details = {"keyValues": _detail(pairs, 1.0 if pairs else 0.0, None)}
        return out
    for f in template.fields:
        kind = f.rule.WhichOneof("kind")
        if kind == "regex":
            detail = _regex(f.rule.regex, f.type, rows)
        elif kind == "label":
            detail = _label(f.rule.label, f.type, rows)
        else:
            detail = _table(f.rule.table, rows)
        out.values[f.name] = detail["value"]
        out.details[f.name] = detail
    return out
