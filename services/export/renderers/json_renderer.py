"""JSON export: {"batch": {...}, "records": [...]}, written record by record."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from ocrbatch.v1 import common_pb2
from services.common.api_json import batch_json, record_json
from services.export.source import RecordSource

CONTENT_TYPE = "application/json"
EXTENSION = "json"


def export_record_json(record: common_pb2.Record) -> dict:
    return record_json(record, text=True, pages=True)


async def render(batch: common_pb2.Batch | None, records: RecordSource) -> AsyncIterator[bytes]:
    if batch is None:  # a single record's result: the record object itself
        async for record in records.open(text=True, pages=True):
            yield json.dumps(export_record_json(record), ensure_ascii=False, indent=2).encode()
        return
    head = {"batch": batch_json(batch, with_ids=False), "exportedAt": datetime.now(UTC).isoformat(timespec="seconds")}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [').encode()
    first = True
    async for record in records.open(text=True, pages=True):
        yield (("" if first else ",") + "\n" + json.dumps(export_record_json(record), ensure_ascii=False)).encode()
        first = False
    yield b"\n]}\n"
