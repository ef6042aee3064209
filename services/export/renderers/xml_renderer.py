"""XML export: <batch> with one <record> per file, its <field>s and <text>, escaped and well formed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.export.document import ExportDoc, display, rows
from services.export.renderers.markup import xml_attr, xml_text

CONTENT_TYPE = "application/xml"
EXTENSION = "xml"
PAGES = False  # the recognised pages are not shown


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if doc.batch is not None:
        b = doc.batch
        head += (
            f'<batch id={xml_attr(b.id)} name={xml_attr(b.name)} totalFiles="{b.total_files}" '
            f'completedFiles="{b.completed_files}" failedFiles="{b.failed_files}">\n'
        )
    yield head.encode()
    async for row in rows(doc):
        parts = [
            f"<record id={xml_attr(row.id)}>",
            f"<fileName>{xml_text(row.file_name)}</fileName>",
            f"<status>{row.status}</status>",
            f"<templateName>{xml_text(row.template_name)}</templateName>",
            "<fields>",
            *(
                f"<field name={xml_attr(name)}>{xml_text(display(row.values[name]))}</field>"
                for name in doc.fields
                if name in row.values
            ),
            "</fields>",
            f"<text>{xml_text(row.text)}</text>",
            "</record>\n",
        ]
        yield "".join(parts).encode()
    if doc.batch is not None:
        yield b"</batch>\n"
