"""Searchable PDF: every completed document's pages as their original images, with the recognised words as invisible
text on their boxes (what OCRmyPDF makes of a scan), a bookmark per document; streamed page by page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

from services.export.document import ExportDoc
from services.export.page_images import NoImages, PageImage, page_images
from services.export.pdf_writer import StreamingPdf
from services.export.renderers.pdf_renderer import _font
from services.export.text_overlay import placed_words

CONTENT_TYPE = "application/pdf"
EXTENSION = "pdf"
PAGES = True  # the recognised pages' boxes place the words


def _next_image(images: Iterator[PageImage]) -> PageImage | None:
    try:
        return next(images)
    except StopIteration:
        return None


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    """A record whose upload is no longer stored gets its recognised text on text pages, like a plain-text upload:
    the export goes on."""
    if doc.original is None:
        raise RuntimeError("a searchable PDF needs the uploaded files (ExportDoc.original)")
    pdf = StreamingPdf(_font(doc.pdf_font), doc.title)
    async for record in doc.records:
        data = await doc.original(record.id)
        pdf.bookmark(record.file_name)
        number = 0
        try:
            if data is None:
                raise NoImages("the uploaded file is no longer stored")
            images = page_images(data)
            # one page decoded or rendered at a time, off the event loop: memory stays that of one page
            while (image := await asyncio.to_thread(_next_image, images)) is not None:
                page = record.pages[number] if number < len(record.pages) else None
                pdf.image_page(image, placed_words(page, image.size_pt) if page is not None else [])
                number += 1
                yield pdf.drain()
        except NoImages as why:  # plain text, or the upload is gone: its text on text pages
            pdf.heading(record.file_name)
            if why.args:
                pdf.paragraph(f"({why.args[0]}: its recognised text follows)")
            for line in record.text.split("\n"):
                pdf.paragraph(line)
        del data
        yield pdf.drain()
    yield pdf.close()
