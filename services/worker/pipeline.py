"""One job's work, free of I/O: a file's bytes in, the recognised pages and full text out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ocrbatch.v1 import common_pb2, jobs_pb2, templates_pb2
from services.worker.classification import Candidate, Part, classify
from services.worker.documents import Limits, load_pages
from services.worker.engine.inverted import with_inverted_text
from services.worker.engine.mixed_script import normalise_mixed_script
from services.worker.engine.orientation import page_turn, to_given, upright
from services.worker.engine.port import OcrEngine, OcrLine, TwoAlphabetEngine
from services.worker.engine.scripts import found_the_script, looks_unreadable, needs_full_alphabet
from services.worker.extraction import LocaleHint, extract
from services.worker.row_text import page_text


@dataclass
class DocumentText:
    text: str
    pages: list[common_pb2.Page]
    values: dict[str, Any] | None = None  # the template's fields, when the job has a template
    details: dict[str, Any] | None = None
    needs_review: bool = False  # a template field is missing or under the template's review threshold
    issuer_keys: list[str] = field(default_factory=list)  # the issuer's fingerprint, when the job has a template
    # a file classified among candidate templates: the documents found in it (one for a file of one document,
    # whose fields are then `values` and `details` too)
    parts: list[Part] = field(default_factory=list)


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
    *,
    page_numbers: list[int] | None = None,
    on_page: Callable[[int, int], None] | None = None,
    candidates: list[Candidate] | None = None,
    one_document: bool = False,
) -> DocumentText:
    """Text layer or plain text where the file has it, PP-OCR for every other page (in the alphabet its script needs,
    read_page); then the template, with what people's corrections in the project taught (`examples`). `page_numbers`:
    only those pages are read (none other is rendered), every page when empty; `on_page(done, of)` is told after each
    page."""
    pages: list[common_pb2.Page] = []
    texts: list[str] = []
    for page in load_pages(data, limits, page_numbers):
        turn, width, height = 0, page.width, page.height
        if page.image is not None and limits.orient_pages:
            turn = page_turn(page.image)
            page.image = upright(page.image, turn)
            height, width = page.image.shape[:2]
        lines, alphabet = read_page(engine, page.image, locale) if page.image is not None else (page.lines, "")
        page.image = None  # let a large page's pixels go before the next page is decoded
        read = _page_proto(page.number, width, height, page.source, lines, alphabet)
        read.rotation = turn
        pages.append(read)
        texts.append(page_text(read))  # its printed rows, boxes at their columns
        if on_page is not None:
            on_page(len(pages), page.of)
    document = DocumentText(text="\n\n".join(texts), pages=pages)
    if candidates:
        document.parts = classify(pages, candidates, locale, examples, split=not one_document)
        only = document.parts[0] if len(document.parts) == 1 else None
        if only is not None and only.extracted is not None:
            document.values, document.details = only.extracted.values, only.extracted.details
            document.needs_review, document.issuer_keys = only.extracted.needs_review, only.extracted.issuer_keys
        else:  # a person looks at a file with a part of no type, or a part whose fields need it
            document.needs_review = any(p.extracted is None or p.extracted.needs_review for p in document.parts)
    elif template is not None:
        extracted = extract(template, pages, document.text, locale, examples)  # on the pages read upright
        document.values, document.details = extracted.values, extracted.details
        document.needs_review, document.issuer_keys = extracted.needs_review, extracted.issuer_keys
    as_given(document)
    return document


def as_given(document: DocumentText) -> None:
    """A document's boxes — its lines' and its fields' — taken from the pages read upright onto the pages as
    they were given (Page.rotation says how they were turned)."""
    turned = {p.number: (p.rotation, (float(p.width), float(p.height))) for p in document.pages if p.rotation}
    if not turned:
        return
    for page in document.pages:
        if page.number not in turned:
            continue
        turn, size = turned[page.number]
        for line in page.lines:
            for point in line.box:
                point.x, point.y = to_given((point.x, point.y), turn, size)
        if turn in (90, 270):
            page.width, page.height = page.height, page.width
    if document.details:
        _boxes_as_given(document.details, None, turned)
    for part in document.parts:
        if part.extracted is not None and part.extracted.details is not document.details:
            _boxes_as_given(part.extracted.details, None, turned)


def _boxes_as_given(node: Any, page: int | None, turned: dict[int, tuple[int, tuple[float, float]]]) -> None:
    """Every `box` in a field's details (its value's, its candidate's, its alternatives'), on its page as given."""
    if isinstance(node, list):
        for item in node:
            _boxes_as_given(item, page, turned)
        return
    if not isinstance(node, dict):
        return
    page = node.get("page", page) if isinstance(node.get("page", page), int) else page
    box = node.get("box")
    if page in turned and isinstance(box, list) and box and all(isinstance(p, list) and len(p) == 2 for p in box):
        turn, size = turned[page]
        node["box"] = [[round(v, 1) for v in to_given((float(p[0]), float(p[1])), turn, size)] for p in box]
    for key, value in node.items():
        if key != "box":
            _boxes_as_given(value, page, turned)
