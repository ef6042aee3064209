"""A value a person gives for a template field (a correction), read by the field's type into the form the
extraction gives: money and numbers as JSON numbers, dates as YYYY-MM-DD, currencies as ISO 4217 codes, a
table field as its whole list of rows. What cannot be read is a FieldValueError that says why, for a 400."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from ocrbatch.v1 import templates_pb2

MAX_TEXT = 2000  # characters of one string value
MAX_ROWS = 1000  # rows of one table field

_GROUPING = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_GROUPED_BY_SPACES = re.compile(r"[-+]?\d{1,3}(?:[\s\u00a0\u202f']\d{3})+(?:[.,]\d+)?-?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _check_groups(whole: str, mark: str, text: str) -> None:
    """Digits grouped by a mark come in threes after the first group ("1.234.567", never "1.2.3")."""
    first, *rest = whole.lstrip("+-").split(mark)
    if not 1 <= len(first) <= 3 or any(len(group) != 3 for group in rest):
        raise FieldValueError(f"{text[:40]!r}: digits grouped by {mark!r} must come in threes (1{mark}234{mark}567)")


class FieldValueError(ValueError):
    """A value its field's type cannot take; the message names what was expected."""


def _number_text(text: str, money: bool) -> float:
    """ "12,50", "1.129,00", "1 129,00", "1,129.00", "-5,00", "5,00-": the last of two different marks is the
    decimal one; a lone mark followed by three digits groups thousands for money (no currency has three
    decimals printed on a receipt) and is refused as ambiguous for a number."""
    spaced = text.strip()
    if _GROUPING.search(spaced) and not _GROUPED_BY_SPACES.fullmatch(spaced):
        raise FieldValueError(f'expected a number such as 12.5 or "12,50", got {text[:40]!r}')
    body = _GROUPING.sub("", spaced)
    negative = body.endswith("-") and not body.startswith("-")
    body = body.rstrip("-") if negative else body
    marks = [c for c in body if c in ".,"]
    if len(set(marks)) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
        grouping = "." if decimal == "," else ","
        whole = body[: body.rfind(decimal)]
        _check_groups(whole, grouping, text)
        body = whole.replace(grouping, "") + "." + body[body.rfind(decimal) + 1 :]
    elif marks:
        mark = marks[0]
        head, _, tail = body.rpartition(mark)
        if len(marks) > 1 or (len(tail) == 3 and head.lstrip("+-").isdigit()):
            if len(marks) == 1 and not money:
                raise FieldValueError(f"{text!r} is ambiguous: write it without grouping (1129 or 1.129)")
            _check_groups(body, mark, text)
            body = body.replace(mark, "")
        else:
            body = body.replace(mark, ".")
    if not _PLAIN_NUMBER.fullmatch(body):
        raise FieldValueError(f'expected a number such as 12.5 or "12,50", got {text[:40]!r}')
    value = float(body)
    return -value if negative else value


def _number(raw: Any, money: bool) -> float | int:
    if isinstance(raw, bool):
        raise FieldValueError("expected a number, got a boolean")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        value = _number_text(raw, money)
    else:
        raise FieldValueError(f'expected a number such as 12.5 or "12,50", got {type(raw).__name__}')
    if not math.isfinite(value):
        raise FieldValueError("expected a finite number")
    if abs(value) >= 2**53:
        raise FieldValueError("a number too large to keep exactly")
    return int(value) if not money and value.is_integer() else value


def _text(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise FieldValueError(f"expected text, got {type(raw).__name__}")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise FieldValueError("expected text, got a number that is not finite")
    if abs(raw) >= 2**53 if isinstance(raw, int | float) else False:
        raise FieldValueError("expected text (a number this large loses digits in JSON: send it as a string)")
    text = (str(raw) if not isinstance(raw, float) or not raw.is_integer() else str(int(raw))).strip()
    if _CONTROL.search(text):
        raise FieldValueError("control characters are not text")
    if len(text) > MAX_TEXT:
        raise FieldValueError(f"text longer than {MAX_TEXT} characters")
    return " ".join(text.split()) if "\n" not in text else text


def _date(raw: Any) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise FieldValueError(f'expected a date as YYYY-MM-DD (such as "2024-05-18"), got {str(raw)[:40]!r}')


def _currency(raw: Any) -> str:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise FieldValueError(f'expected an ISO 4217 currency code such as "EUR", got {str(raw)[:40]!r}')
    return code


def typed_value(kind: str, raw: Any) -> Any:
    """`raw` as a value of the field type `kind` ("" is string); None (or "") clears the field."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = kind or "string"
    if kind == "money":
        return _number(raw, money=True)
    if kind == "number":
        return _number(raw, money=False)
    if kind == "date":
        return _date(raw)
    if kind == "currency":
        return _currency(raw)
    if kind in ("string", "identifier"):
        return _text(raw)
    raise FieldValueError(f"fields of type {kind!r} cannot be corrected")


def table_value(rule: templates_pb2.TableRule, raw: Any) -> list[dict[str, Any]]:
    """A table field's rows, replaced whole: a list of objects whose keys are the table's columns."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise FieldValueError("expected a list of rows (objects keyed by column name)")
    if len(raw) > MAX_ROWS:
        raise FieldValueError(f"more than {MAX_ROWS} rows")
    columns = {c.name: c.type for c in rule.columns}
    rows: list[dict[str, Any]] = []
    for number, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            raise FieldValueError(f"row {number}: expected an object keyed by column name")
        unknown = [name for name in row if name not in columns]
        if unknown:
            raise FieldValueError(f"row {number}: unknown column {unknown[0]!r}; columns: {', '.join(columns)}")
        try:
            rows.append({name: typed_value(columns[name], value) for name, value in row.items()})
        except FieldValueError as exc:
            raise FieldValueError(f"row {number}: {exc}") from None
    return rows


def field_value(f: templates_pb2.TemplateField, raw: Any) -> Any:
    """A value for template field `f`, read by its rule and type."""
    if f.rule.WhichOneof("kind") == "table":
        return table_value(f.rule.table, raw)
    return typed_value(f.type, raw)
