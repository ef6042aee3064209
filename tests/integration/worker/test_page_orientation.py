"""Pages in any orientation, with the real engine and the bundled orientation model: a rendered invoice turned
90, 180 and 270 degrees reads as it does upright, the record says how it was turned, and its boxes — lines' and
fields' — lie on the page as it was given, over the same ink."""

from __future__ import annotations

import pytest
from PIL import Image

from services.common.templates import BUILTIN_TEMPLATES
from services.worker.documents import Limits
from services.worker.pipeline import read_document
from tests.support.documents import Invoice, invoice_image, png_bytes

TURNED = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@pytest.fixture(scope="module")
def engine():
    from services.worker.engine.rapidocr_engine import configured_engine
    from services.worker.settings import WorkerSettings

    return configured_engine(WorkerSettings(), 1)


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return invoice_image(Invoice("ROT-42", "123.45"), width=900, height=600)


@pytest.fixture(scope="module")
def as_printed(engine, page):
    return read_document(png_bytes(page), engine, Limits(), BUILTIN_TEMPLATES["invoice"])


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_turned_page_reads_as_upright_with_its_boxes_on_the_page_as_given(engine, page, as_printed, turn):
    given = page.transpose(TURNED[turn])
    document = read_document(png_bytes(given), engine, Limits(), BUILTIN_TEMPLATES["invoice"])
    read = document.pages[0]
    assert read.rotation == turn and (read.width, read.height) == given.size
    assert document.values == as_printed.values and document.text == as_printed.text
    box = document.details["invoiceNumber"]["box"]
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    ink = given.convert("L").crop((min(xs), min(ys), max(xs), max(ys)))
    assert ink.getextrema()[0] < 100  # the number's box, on the given page, holds dark ink
    assert all(0 <= p.x <= read.width and 0 <= p.y <= read.height for line in read.lines for p in line.box)


def test_without_deciding_the_orientation_an_upside_down_page_reads_as_noise(engine, page, as_printed):
    given = page.transpose(TURNED[180])
    document = read_document(png_bytes(given), engine, Limits(orient_pages=False), BUILTIN_TEMPLATES["invoice"])
    assert document.pages[0].rotation == 0 and document.values["invoiceNumber"] != "ROT-42"
