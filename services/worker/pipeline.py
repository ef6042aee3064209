"""One job's work, free of I/O: a file's bytes in, the recognised pages and full text out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ocrbatch.v1 import common_pb2, templates_pb2
from services.worker.documents import Limits, load_pages
from services.worker.engine.port import OcrEngine, OcrLine
from services.worker.extraction import LocaleHint, extract


@dataclass
class DocumentText:
    text: str
    pages: list[common_pb2.Page]
    values: dict[str, Any] | None = None  # the template's fields, when the job has a template
    details: dict[str, Any] | None = None
    needs_review: bool = False  # a template field is missing or under the template's review threshold


def _page_proto(number: int, width: int, height: int, source: str, lines: list[OcrLine]) -> common_pb2.Page:
    return common_pb2.Page(
        number=number,
        width=width,
        height=height,
        source=source,
        lines=[
            common_pb2.Line(
                text=line.text,
                confidence=line.confidence,
                box=[common_pb2.Point(x=x, y=y) for x, y in line.box],
            )
            for line in lines
        ],
    )


def read_document(
    data: bytes,
    engine: OcrEngine,
    limits: Limits,
    template: templates_pb2.Template | None = None,
    locale: LocaleHint | None = None,
) -> DocumentText:
    """Text layer or plain text where the file has it, PP-OCR for every other page; then the template."""
    pages: list[common_pb2.Page] = []
    texts: list[str] = []
    for page in load_pages(data, limits):
        lines = engine.recognize(page.image) if page.image is not None else page.lines
        page.image = None  # let a large page's pixels go before the next page is decoded
        pages.append(_page_proto(page.number, page.width, page.height, page.source, lines))
        texts.append("\n".join(line.text for line in lines))
    document = DocumentText(text="\n\n".join(texts), pages=pages)
    if template is not None:
        extracted = extract(template, pages, document.text, locale)
        document.values, document.details = extracted.values, extracted.details
        document.needs_review = extracted.needs_review
    return document
