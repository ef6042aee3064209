"""CSV export: one row per file, one column per template field (nested values as dotted names)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from services.common.flatten import safe_cell
from services.export.document import ExportDoc, rows

CONTENT_TYPE = "text/csv"
EXTENSION = "csv"
PAGES = False  # the recognised pages are not shown
FIXED_COLUMNS = ("recordId", "fileName", "status", "templateName")


def columns(doc: ExportDoc) -> list[str]:
    return [*FIXED_COLUMNS, *(f for f in doc.fields if f not in FIXED_COLUMNS and f != "text"), "text"]


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = columns(doc)
    field_columns = header[len(FIXED_COLUMNS) : -1]
    writer.writerow(header)
    yield buffer.getvalue().encode()
    async for row in rows(doc):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                safe_cell(row.id),
                safe_cell(row.file_name),
                row.status,
                safe_cell(row.template_name),
                *(safe_cell(row.values.get(c)) for c in field_columns),
                safe_cell(row.text),
            ]
        )
        yield buffer.getvalue().encode()
