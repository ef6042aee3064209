"""One job's work, free of I/O: a file's bytes in, the recognised pages and full text out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ocrbatch.v1 import common_pb2, jobs_pb2, templates_pb2
from services.worker.documents import Limits, load_pages
from services.worker.engine.inverted import with_inverted_text
from services.worker.engine.mixed_script import normalise_mixed_script
from services.worker.engine.port import OcrEngine, OcrLine, TwoAlphabetEngine
from services.worker.engine.scripts import found_the_script, looks_unreadable, needs_full_alphabet
from services.worker.extraction import LocaleHint, extract


@dataclass
class DocumentText:
    text: str
    pages: list[common_pb2.Page]
    values: dict[str, Any] | None = None  # the template's fields, when the job has a template
    details: dict[str, Any] | None = None
    needs_review: bool = False  # a template field is missing or under the template's review threshold
    issuer_keys: list[str] = field(default_factory=list)  # the issuer's fingerprint, when the job has a template


def _page_proto(
    number: int, width: int, height: int, source: str, lines: list[OcrLine], alphabet: str = ""
) -> common_pb2.Page:
    return common_pb2.Page(
        number=number,
        width=width,
        height=height,
        source=source,
        alphabet=alphabet,
        lines=[
            common_pb2.Line(
                text=line.text,
                confidence=line.confidence,
                box=[common_pb2.Point(x=x, y=y) for x, y in line.box],
                inverted=line.inverted,
            )
            for line in lines
        ],
    )


def recognize_page(engine: OcrEngine, image: np.ndarray) -> list[OcrLine]:
    """A page image's lines: the engine's read of the page, its lines printed light on a dark fill (a logo box)
    marked, such regions it left unread read again inverted, and Greek words' Latin look-alikes made Greek.

    Here rather than in an engine adapter, so every engine gets it and each page image passes through it once
    (workers, the OCR cache of tests and benchmarks); the raw engine stays one model's read of one image."""
    lines = with_inverted_text(engine, image, engine.recognize(image))
    return [replace(line, text=normalise_mixed_script(line.text)) for line in lines]


def read_page(engine: OcrEngine, image: np.ndarray, locale: LocaleHint | None = None) -> tuple[list[OcrLine], str]:
    """A page image's lines and the recognition alphabet that read them ("latin", "full"; "" where the engine does
    not say). An engine with both alphabets (services/worker/engine/scripts.py) reads with the full one every page of
    a document whose locale is Chinese or Japanese, and any other page whose Latin read leaves too much unread;
    that second read is kept where it found the script."""
    if not isinstance(engine, TwoAlphabetEngine):
        return recognize_page(engine, image), getattr(engine, "alphabet", "")
    if locale is not None and needs_full_alphabet(locale.tag):
        return recognize_page(engine.full_alphabet(), image), "full"
    lines = recognize_page(engine, image)
    if not looks_unreadable(lines):
        return lines, "latin"
    again = recognize_page(engine.full_alphabet(), image)
    return (again, "full") if found_the_script(again) else (lines, "latin")


def read_document(
    data: bytes,
    engine: OcrEngine,
    limits: Limits,
    template: templates_pb2.Template | None = None,
    locale: LocaleHint | None = None,
    examples: list[jobs_pb2.Example] | None = None,
) -> DocumentText:
    """Text layer or plain text where the file has it, PP-OCR for every other page (in the alphabet its script needs,
    read_page); then the template, with what people's corrections in the project taught (`examples`)."""
    pages: list[common_pb2.Page] = []
    texts: list[str] = []
    for page in load_pages(data, limits):
        lines, alphabet = read_page(engine, page.image, locale) if page.image is not None else (page.lines, "")
        page.image = None  # let a large page's pixels go before the next page is decoded
        pages.append(_page_proto(page.number, page.width, page.height, page.source, lines, alphabet))
        texts.append("\n".join(line.text for line in lines))
    document = DocumentText(text="\n\n".join(texts), pages=pages)
    if template is not None:
        extracted = extract(template, pages, document.text, locale, examples)
        document.values, document.details = extracted.values, extracted.details
        document.needs_review, document.issuer_keys = extracted.needs_review, extracted.issuer_keys
    return document
