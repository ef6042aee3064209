"""Flattening nested template results into dotted column names, and neutralising spreadsheet formulas."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}, "items": [{"x": 2}]} → {"a.b": 1, "items.0.x": 2}."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        if not value and prefix:
            out[prefix] = ""
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        if not value and prefix:
            out[prefix] = ""
        for index, inner in enumerate(value):
            out.update(flatten(inner, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix] = value
    return out


def column_order(name: str) -> list[tuple[int, int | str]]:
    """Sort key that keeps lineItems.2 before lineItems.10."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in name.split(".")]


def ordered_columns(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=column_order)


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or tab, CR) gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
