"""Searchable PDF: every completed document's pages as they were uploaded, with the recognised words as invisible
text on their boxes (what OCRmyPDF makes of a scan), a bookmark per document; streamed page by page.

- A PDF's pages are kept as they are (services/export/pdf_pages.py): a page with a text layer is searchable already
  and gets nothing more; a scanned page keeps its image as the PDF held it, with the words over it.
- An image's pages are the image at its own resolution (services/export/page_images.py): a JPEG byte for byte.
- Plain text, or an upload no longer stored: the recognised text on text pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

from ocrbatch.v1 import common_pb2
from services.export.document import ExportDoc
from services.export.page_images import NoImages, page_images
from services.export.pdf_pages import NoPages, kept_pages
from services.export.pdf_writer import StreamingPdf
from services.export.renderers.pdf_renderer import _font
from services.export.text_overlay import placed_words

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
PAGES = True  # the recognised pages' boxes place the words


def _read(record: common_pb2.Record, number: int) -> common_pb2.Page | None:
    """The recognised page shown as the file's `number`-th page (pages keep their numbers, a range may skip some)."""
    return next((page for page in record.pages if page.number == number), None)


def _pages(pdf: StreamingPdf, record: common_pb2.Record, data: bytes | None) -> Iterator[None]:
    """Writes the record's pages into the PDF one at a time (a step each)."""
    if data is None:
        raise NoImages("the uploaded file is no longer stored")
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        copier = pdf.copier()
        for number, kept in enumerate(kept_pages(data), start=1):
            read = _read(record, number)
            if read is None and record.page_range:
                continue  # a page the upload did not ask to read
            words = placed_words(read, kept.size_pt) if read is not None and read.source == "ocr" else []
            pdf.form_page(copier.copy(kept.form), kept.size_pt, kept.origin, words)
            yield
        return
    for number, image in enumerate(page_images(data), start=1):
        read = _read(record, number)
        if read is None and record.page_range:
            continue
        pdf.image_page(image, placed_words(read, image.size_pt) if read is not None else [])
        yield


def _step(steps: Iterator[None]) -> bool:
    return next(steps, StopIteration) is not StopIteration


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    """A record whose upload is no longer stored gets its recognised text on text pages, like a plain-text upload:
    the export goes on."""
    if doc.original is None:
        raise RuntimeError("a searchable PDF needs the uploaded files (ExportDoc.original)")
    pdf = StreamingPdf(_font(doc.pdf_font), doc.title)
    async for record in doc.records:
        data = await doc.original(record.id)
        pdf.bookmark(record.file_name)
        steps = _pages(pdf, record, data)
        try:
            # one page read and written at a time, off the event loop: memory stays that of one page
            while await asyncio.to_thread(_step, steps):
                yield pdf.drain()
        except (NoImages, NoPages) as why:  # plain text, the upload gone, a PDF not copied: its text on text pages
            pdf.heading(record.file_name)
            if why.args:
                pdf.paragraph(f"({why.args[0]}: its recognised text follows)")
            for line in record.text.split("\n"):
                pdf.paragraph(line)
        del data
        yield pdf.drain()
    yield pdf.close()
