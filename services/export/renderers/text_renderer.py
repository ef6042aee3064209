"""Plain-text export: a heading per file, its fields as `name: value` lines, then the recognised text."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.export.document import ExportDoc, display, rows

CONTENT_TYPE = "text/plain"
EXTENSION = "txt"
PAGES = False  # the recognised pages are not shown


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    if doc.batch is not None:
        b = doc.batch
        yield (
            f"{doc.title}\nBatch {b.id}: {b.completed_files} completed, {b.failed_files} failed "
            f"of {b.total_files} files\n\n"
        ).encode()
    async for row in rows(doc):
        lines = [f"=== {row.file_name} ({row.status}) ==="]
        lines += [f"{name}: {display(row.values[name])}" for name in doc.fields if name in row.values]
        lines += ["--- text ---", row.text, "", ""]
        yield "\n".join(lines).encode()
