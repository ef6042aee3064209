"""The registry of field types: what a value of each type looks like in text, its normalised form, and the
features its written form gives a candidate. A new type is one module here, registered below."""

from __future__ import annotations

from services.worker.extraction.fieldtypes import currency, date, identifier, money, number, string
from services.worker.extraction.fieldtypes.base import FieldType

FIELD_TYPES: dict[str, FieldType] = {
    module.TYPE.name: module.TYPE for module in (string, identifier, number, money, date, currency)
}


def field_type(name: str) -> FieldType:
    """The type of a template field ("" is string)."""
    return FIELD_TYPES[name or "string"]


__all__ = ["FIELD_TYPES", "FieldType", "field_type"]
