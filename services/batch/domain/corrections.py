"""People's corrections of a record: the values they set over the extraction's, what each field's details say
about them, the log of every change, and the example each correction teaches the project's next documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz

from ocrbatch.v1 import common_pb2
from services.batch.domain.model import JsonObject
from services.common.examples import SAME_TEXT, folded, printed_format, same_value


@dataclass(frozen=True)
class FieldCorrection:
    """A person's value for one field, kept over every reading of the record until discarded."""

    value: Any
    by: str
    at: datetime
    page: int | None = None  # where the page prints it, when it does
    box: list[list[float]] | None = None


@dataclass(frozen=True)
class Change:
    """One line of a record's correction log."""

    record_id: str
    organization_id: str
    project_id: str
    batch_id: str
    kind: str  # correction | approval | discarded
    by: str
    at: datetime
    field: str = ""
    old: Any = None
    new: Any = None


@dataclass
class Example:
    """What a correction taught: where the right value of a field is printed on an issuer's documents."""

    organization_id: str
    project_id: str
    record_id: str
    batch_id: str
    field: str
    value: Any
    issuer_keys: list[str]
    at: datetime
    issuer_id: str = ""  # the examples of one issuer (fingerprints that match) share it
    template_id: str = ""  # a field's example teaches that template's field of the name only
    printed: bool = False  # False: the page does not print the value (a logo): it is the issuer's value
    label: str = ""
    how: str = ""
    x: float = 0.0
    y: float = 0.0
    format: str = ""
    text: str = ""  # the value as printed: how the issuer writes it ("2015-30-01")
    rejected: Anchor | None = None  # where the value the extraction chose instead was printed


def corrected_details(extracted: JsonObject | None, correction: FieldCorrection, extracted_value: Any) -> JsonObject:
    """A corrected field's details: the person's value, sure, where the page prints it, and what the extraction
    had found (`extracted`, with its confidence)."""
    before = extracted or {}
    chose = before.get("candidate")
    if chose and "page" not in chose:  # where the extraction's choice was, kept beside the person's value
        chose = {**chose, "page": before.get("page"), "box": before.get("box")}
    return {
        "value": correction.value,
        "confidence": 1.0,
        "page": correction.page,
        "box": correction.box,
        "rule": before.get("rule"),
        "source": "correction",
        "extracted": extracted_value,
        "extractedConfidence": before.get("confidence"),
        "correctedBy": correction.by,
        "correctedAt": correction.at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        **({"locale": before["locale"]} if "locale" in before else {}),
        **({"candidate": chose} if chose else {}),
        **({"alternatives": before["alternatives"]} if "alternatives" in before else {}),
    }


def with_corrections(
    result: JsonObject, details: JsonObject, corrections: dict[str, FieldCorrection]
) -> tuple[JsonObject, JsonObject]:
    """An extraction's values and details with the people's values over them (the extraction's own stay in
    each corrected field's details as `extracted`); fields keep the template's order."""
    values, out = dict(result), dict(details)
    for name, correction in corrections.items():
        previous = details.get(name) or {}
        if previous.get("source") == "correction":  # corrected before: what the extraction found is kept there
            extracted = previous.get("extracted")
            previous = {**previous, "confidence": previous.get("extractedConfidence")}
        else:
            extracted = result.get(name)
        values[name] = correction.value
        out[name] = corrected_details(previous, correction, extracted)
    return values, out


@dataclass(frozen=True)
class Anchor:
    """Where a page prints a field's right value: its box, the label it was read beside, its shape."""

    page: int
    box: list[list[float]]
    label: str
    how: str
    x: float  # the box's centre, as fractions of the page's width and height
    y: float
    format: str
    text: str = ""  # the value as printed


def _corners(box: Any) -> list[list[float]] | None:
    if not box:
        return None
    return [[float(p[0]), float(p[1])] for p in box]


def _anchor(page: int, box: list[list[float]], pages: list[common_pb2.Page], label: str, how: str, text: str) -> Anchor:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    size = pages[page - 1] if 0 < page <= len(pages) else None
    width, height = (size.width, size.height) if size is not None and size.width and size.height else (1.0, 1.0)
    x, y = (min(xs) + max(xs)) / 2 / width, (min(ys) + max(ys)) / 2 / height
    return Anchor(page, box, label or "", how, round(x, 4), round(y, 4), printed_format(text), text.strip())


def _printed_forms(kind: str, value: Any) -> list[str]:
    """How a value may be printed, for finding it in a line's text."""
    if kind == "money":
        amount = float(value)
        dot = f"{abs(amount):,.2f}"
        return [
            dot,
            dot.replace(",", " "),
            dot.replace(",", "X").replace(".", ",").replace("X", "."),
            f"{abs(amount):.2f}",
            f"{abs(amount):.2f}".replace(".", ","),
        ]
    if kind in ("string", "identifier", "currency", ""):
        return [str(value)]
    return []


def _same_line(a: Anchor, b: Anchor) -> bool:
    """Whether two values are printed on one line (their boxes overlap by half the lower one's height)."""
    if a.page != b.page:
        return False
    (a_top, a_bottom), (b_top, b_bottom) = ((min(p[1] for p in x.box), max(p[1] for p in x.box)) for x in (a, b))
    overlap = min(a_bottom, b_bottom) - max(a_top, b_top)
    return overlap >= 0.5 * min(a_bottom - a_top, b_bottom - b_top)


def rejected_anchor(
    kind: str, value: Any, details: JsonObject | None, pages: list[common_pb2.Page], corrected: Anchor | None = None
) -> Anchor | None:
    """Where the page prints what the extraction chose instead of the person's value — the choice the person
    overrode —; None when it chose that value, nothing, or a value the page does not print, and when it was
    read from the line the person's value is on (they corrected how the line was read, not which one)."""
    found = details or {}
    winner = found.get("candidate")
    if not winner:
        return None
    chose = {"page": found.get("page"), "box": found.get("box"), **winner}
    box = _corners(chose.get("box"))
    if not box or not chose.get("page") or same_value(kind, chose.get("value"), value):
        return None
    text = str(chose.get("text") or chose.get("value"))
    rejected = _anchor(int(chose["page"]), box, pages, chose.get("label") or "", chose.get("how") or "", text)
    return None if corrected is not None and _same_line(rejected, corrected) else rejected


def anchor_of(kind: str, value: Any, details: JsonObject | None, pages: list[common_pb2.Page]) -> Anchor | None:
    """Where the page prints `value`: among what the extraction weighed for the field (its winner and the
    alternatives it kept), else in a recognised line; None when the page does not print it."""
    found = details or {}
    winner = found.get("candidate")
    weighed = ([{"page": found.get("page"), "box": found.get("box"), **winner}] if winner else []) + list(
        found.get("alternatives") or []
    )
    for candidate in weighed:
        box = _corners(candidate.get("box"))
        if box and candidate.get("page") and same_value(kind, candidate.get("value"), value):
            text = str(candidate.get("text") or candidate.get("value"))
            return _anchor(
                int(candidate["page"]), box, pages, candidate.get("label") or "", candidate.get("how") or "", text
            )
    forms = [folded(form) for form in _printed_forms(kind, value) if folded(form)]
    for page in pages:
        for line in page.lines:
            text = folded(line.text)
            if any(f" {form} " in f" {text} " for form in forms) or (
                kind in ("string", "") and forms and fuzz.ratio(text, forms[0]) >= SAME_TEXT
            ):
                box = [[p.x, p.y] for p in line.box]
                if box:
                    return _anchor(page.number, box, pages, "", "line", line.text)
    return None
