"""JSON export: {"batch": {...}, "records": [...]}, written record by record; one record's result alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from services.common.api_json import batch_json, record_json
from services.export.document import ExportDoc

CONTENT_TYPE = "application/json"
EXTENSION = "json"
PAGES = True  # the recognised pages are part of the JSON export


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    if doc.batch is None:  # a single record's result: the record object itself
        async for record in doc.records:
            yield json.dumps(record_json(record), ensure_ascii=False, indent=2).encode()
        return
    head = {
        "batch": batch_json(doc.batch, with_ids=False),
        "exportedAt": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "records": [').encode()
    first = True
    async for record in doc.records:
        yield (("" if first else ",") + "\n" + json.dumps(record_json(record), ensure_ascii=False)).encode()
        first = False
    yield b"\n]}\n"
