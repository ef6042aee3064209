"""PDF export, streamed page by page: a title page for the batch, then one section per file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import lru_cache

from services.export.document import ExportDoc, display, rows
from services.export.pdf_writer import FIXED_WIDTH_CANDIDATES, PdfFont, StreamingPdf, find_font

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
PAGES = False  # the recognised pages are not shown


@lru_cache(maxsize=1)
def _font(path: str) -> PdfFont:
    return PdfFont(find_font(path))


@lru_cache(maxsize=1)
def _fixed_width_font() -> PdfFont | None:
    path = find_font(candidates=FIXED_WIDTH_CANDIDATES)
    return PdfFont(path) if path is not None else None


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    pdf = StreamingPdf(_font(doc.pdf_font), doc.title, _fixed_width_font())
    pdf.heading(doc.title, 20)
    if doc.batch is not None:
        b = doc.batch
        pdf.paragraph(f"Batch {b.id}")
        pdf.paragraph(f"{b.completed_files} completed, {b.failed_files} failed of {b.total_files} files")
        pdf.new_page()
    async for row in rows(doc):
        pdf.heading(row.file_name)
        pdf.paragraph(f"Status: {row.status}")
        fields = [name for name in doc.fields if name in row.values]
        if fields:
            pdf.heading("Fields", 12)
            for name in fields:
                pdf.paragraph(f"{name}: {display(row.values[name])}")
        pdf.heading("Recognised text", 12)
        for line in row.text.split("\n"):  # its printed rows: columns line up in a fixed-width font
            pdf.paragraph(line, fixed=True)
        pdf.new_page()
        yield pdf.drain()
    yield pdf.close()
