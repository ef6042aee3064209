"""Flattening nested template results into dotted columns, and neutralising spreadsheet formulas."""

from __future__ import annotations

import json
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
