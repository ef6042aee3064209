"""Real OCR of a shop's name printed white on a black box: it comes back among the page's lines, once, marked as
read from a dark fill, and a dark box read inverted gives its text where it is on the page."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from services.worker.documents import Limits
from services.worker.engine.inverted import find_inverted_regions, read_region
from services.worker.engine.port import OcrEngine
from services.worker.engine.rapidocr_engine import create_engine

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LOGO = (120, 30, 520, 130)
TEXT_LINES = ["Espresso 2.50", "Croissant 3.10", "TOTAL 5.60"]


@pytest.fixture(scope="module")
def engine() -> Iterator[OcrEngine]:
    yield create_engine("openvino", threads=1)


def receipt() -> Image.Image:
    page = Image.new("RGB", (640, 380), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle(LOGO, fill="black")
    name_font = ImageFont.truetype(BOLD, 44)
    middle = ((LOGO[0] + LOGO[2]) / 2, (LOGO[1] + LOGO[3]) / 2)
    draw.text(middle, "CAFE AURORA", fill="white", font=name_font, anchor="mm")
    for i, text in enumerate(TEXT_LINES):
        draw.text((120, 180 + 55 * i), text, fill="black", font=ImageFont.truetype(REGULAR, 26))
    return page


def test_a_shop_name_printed_white_on_black_comes_back_once_marked(engine):
    from services.worker.pipeline import read_document

    data = io.BytesIO()
    receipt().save(data, "PNG")
    (page,) = read_document(data.getvalue(), engine, Limits()).pages
    texts = [line.text for line in page.lines]
    assert texts == ["CAFE AURORA", *TEXT_LINES]  # each line once, the name first
    assert [line.inverted for line in page.lines] == [True, False, False, False]
    x0, y0 = min(p.x for p in page.lines[0].box), min(p.y for p in page.lines[0].box)
    assert LOGO[0] <= x0 and LOGO[1] <= y0  # inside the box, in the page's pixels


def test_a_dark_box_read_inverted_gives_its_text_in_page_coordinates(engine):
    image = np.asarray(receipt())
    (region,) = find_inverted_regions(image, line_height=32)
    (line,) = read_region(engine, image, region, line_height=32)
    assert line.text == "CAFE AURORA"
    assert line.inverted and line.confidence > 0.9
    xs, ys = [x for x, _ in line.box], [y for _, y in line.box]
    assert LOGO[0] <= min(xs) < max(xs) <= LOGO[2] + 1
    assert LOGO[1] <= min(ys) < max(ys) <= LOGO[3] + 1
