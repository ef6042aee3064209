"""CSV export: one row per file, one column per template field (nested values as dotted names)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from ocrbatch.v1 import common_pb2
from services.common.convert import record_status_name, struct_to_dict
from services.export.renderers.flatten import flatten, safe_cell
from services.export.source import RecordSource

CONTENT_TYPE = "text/csv"
EXTENSION = "csv"
FIXED_COLUMNS = ("recordId", "fileName", "status", "templateName")


def _fields(record: common_pb2.Record) -> dict:
    return flatten(struct_to_dict(record.processing_result)) if record.HasField("processing_result") else {}


async def render(batch: common_pb2.Batch | None, records: RecordSource) -> AsyncIterator[bytes]:
    # First pass reads only the fields (no text) to learn the columns, so memory stays flat.
    columns: dict[str, None] = {}
    async for record in records.open(text=False, pages=False):
        columns.update(dict.fromkeys(_fields(record)))
    field_columns = [c for c in columns if c not in FIXED_COLUMNS and c != "text"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*FIXED_COLUMNS, *field_columns, "text"])
    yield buffer.getvalue().encode()
    async for record in records.open(text=True, pages=False):
        buffer.seek(0)
        buffer.truncate()
        values = _fields(record)
        writer.writerow(
            [
                safe_cell(record.id),
                safe_cell(record.file_name),
                record_status_name(record.status),
                safe_cell(record.template_name),
                *(safe_cell(values.get(c)) for c in field_columns),
                safe_cell(record.text),
            ]
        )
        yield buffer.getvalue().encode()
