"""Conversions between API values and protobuf: status names, timestamps, JSON structs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2
from google.protobuf.json_format import MessageToDict, ParseDict

from ocrbatch.v1 import common_pb2

_BATCH_PREFIX = "BATCH_STATUS_"
_RECORD_PREFIX = "RECORD_STATUS_"


def batch_status_to_proto(status: str | None) -> int:
    if not status:
        return common_pb2.BATCH_STATUS_UNSPECIFIED
    return common_pb2.BatchStatus.Value(_BATCH_PREFIX + status.upper())


def batch_status_name(value: int) -> str:
    return common_pb2.BatchStatus.Name(value).removeprefix(_BATCH_PREFIX).lower()


def record_status_to_proto(status: str | None) -> int:
    if not status:
        return common_pb2.RECORD_STATUS_UNSPECIFIED
    return common_pb2.RecordStatus.Value(_RECORD_PREFIX + status.upper())


def record_status_name(value: int) -> str:
    return common_pb2.RecordStatus.Name(value).removeprefix(_RECORD_PREFIX).lower()


BATCH_STATUS_NAMES = tuple(batch_status_name(v) for v in common_pb2.BatchStatus.values() if v)
RECORD_STATUS_NAMES = tuple(record_status_name(v) for v in common_pb2.RecordStatus.values() if v)


def to_timestamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value if value.tzinfo else value.replace(tzinfo=UTC))
    return ts


def iso_or_none(ts: timestamp_pb2.Timestamp, present: bool) -> str | None:
    """2026-03-31T10:00:00.000Z, the reference documents' format."""
    if not present:
        return None
    return ts.ToDatetime(tzinfo=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_struct(value: dict[str, Any] | None) -> struct_pb2.Struct | None:
    if value is None:
        return None
    return ParseDict(value, struct_pb2.Struct())


def _whole_numbers(value: Any) -> Any:
    """Struct stores every number as a double; give back 1 rather than 1.0 where the value is whole."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def struct_to_dict(value: struct_pb2.Struct) -> dict[str, Any]:
    whole: dict[str, Any] = _whole_numbers(MessageToDict(value))
    return whole


def in_field_order(values: struct_pb2.Struct, names: Iterable[str]) -> dict[str, Any]:
    """A record's values or details keyed in its template's order (Record.field_names; a Struct keeps none), any
    other key after them."""
    found = struct_to_dict(values)
    return {name: found[name] for name in names if name in found} | found


def to_value(value: Any) -> struct_pb2.Value:
    """Any JSON value as a protobuf Value (None as null)."""
    return ParseDict(value, struct_pb2.Value())


def value_of(value: struct_pb2.Value) -> Any:
    """A protobuf Value as JSON (whole numbers as ints); an unset one is None."""
    return _whole_numbers(MessageToDict(value)) if value.WhichOneof("kind") else None
