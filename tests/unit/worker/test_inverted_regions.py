"""Light text on dark fills: the regions found on generated pages (a logo box, a black border, a plain page, a
1-bit fax page), how lines read there are marked, read, kept apart from the page's own lines, and Greek words
read with Latin look-alikes made Greek."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from services.worker.documents import Limits, load_pages
from services.worker.engine.inverted import (
    MAX_REGIONS,
    find_inverted_regions,
    merge_in_reading_order,
    with_inverted_text,
)
from services.worker.engine.mixed_script import normalise_mixed_script
from services.worker.engine.port import OcrLine

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
TEXT_LINES = ["Espresso 2.50", "Croissant 3.10", "TOTAL 5.60"]
LOGO = (150, 40, 450, 130)  # x0, y0, x1, y1 of the black box on the page below


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def receipt(logo: bool = True, size: tuple[int, int] = (600, 400), mode: str = "RGB") -> Image.Image:
    """A page with the shop's name white in a black box (when logo) over three lines of black text."""
    page = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(page)
    if logo:
        draw.rectangle(LOGO, fill="black")
        middle = ((LOGO[0] + LOGO[2]) / 2, (LOGO[1] + LOGO[3]) / 2)
        draw.text(middle, "AURORA", fill="white", font=font(40), anchor="mm")
    for i, text in enumerate(TEXT_LINES):
        draw.text((150, 190 + 50 * i), text, fill="black", font=font(24))
    return page


def box_of(line: tuple[float, float, float, float]) -> tuple[tuple[float, float], ...]:
    x0, y0, x1, y1 = line
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def page_lines() -> list[OcrLine]:
    """What the page's read finds on receipt(): its three dark lines (as PP-OCR boxes them)."""
    return [OcrLine(text, 0.99, box_of((148, 188 + 50 * i, 400, 220 + 50 * i))) for i, text in enumerate(TEXT_LINES)]


def test_white_text_in_a_black_box_is_found_with_its_box():
    regions = find_inverted_regions(np.asarray(receipt()), line_height=30)
    assert len(regions) == 1
    region = regions[0]
    assert (region.x, region.y) == pytest.approx(LOGO[:2], abs=2)
    assert (region.x + region.width, region.y + region.height) == pytest.approx((LOGO[2] + 1, LOGO[3] + 1), abs=2)


def test_a_plain_page_has_no_region():
    assert find_inverted_regions(np.asarray(receipt(logo=False)), line_height=30) == []
    assert find_inverted_regions(np.full((300, 200, 3), 255, np.uint8)) == []  # blank: one tone


def test_a_dark_background_or_a_scanners_black_margin_is_not_a_logo():
    photo = Image.new("RGB", (700, 500), "black")  # a receipt photographed on a dark table
    photo.paste(receipt(logo=False), (50, 50))
    assert find_inverted_regions(np.asarray(photo), line_height=30) == []
    scan = receipt(logo=False)
    ImageDraw.Draw(scan).rectangle((0, 0, 40, 399), fill="black")  # the scanner's lid at the left edge
    ImageDraw.Draw(scan).rectangle((500, 150, 560, 380), fill="black")  # a solid bar: no light inside
    assert find_inverted_regions(np.asarray(scan), line_height=30) == []


def test_a_tall_one_bit_fax_page_is_read_as_the_pipeline_decodes_it():
    fax = Image.new("1", (900, 3600), 1)
    fax.paste(receipt(mode="1", size=(600, 400)), (150, 200))
    data = io.BytesIO()
    fax.save(data, "PNG")
    (page,) = load_pages(data.getvalue(), Limits())
    regions = find_inverted_regions(page.image, line_height=30)
    assert [(r.x, r.y) for r in regions] == [pytest.approx((LOGO[0] + 150, LOGO[1] + 200), abs=8)]
    gray = np.asarray(fax.convert("L"))  # a grayscale array is taken as it is
    assert len(find_inverted_regions(gray, line_height=30)) == 1


def test_at_most_a_few_regions_the_largest_first():
    page = Image.new("RGB", (800, 1000), "white")
    draw = ImageDraw.Draw(page)
    for i in range(MAX_REGIONS + 2):
        x0, y0, width = 100, 40 + 190 * i, 300 + 60 * i
        draw.rectangle((x0, y0, x0 + width, y0 + 120), fill="black")
        draw.text((x0 + 20, y0 + 40), "SHOP NAME", fill="white", font=font(36))
    widths = [r.width for r in find_inverted_regions(np.asarray(page), line_height=30)]
    assert len(widths) == MAX_REGIONS
    assert widths == sorted(widths, reverse=True)


class ScriptedEngine:
    """Reads the page (its first image) as given, and each inverted crop after it as the script says (boxes in
    the crop's pixels); keeps the size of every image it was given."""

    name = "scripted"

    def __init__(self, page: list[OcrLine], crop: list[OcrLine]) -> None:
        self.page, self.crop = page, crop
        self.images: list[tuple[int, int]] = []

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        self.images.append(image.shape[:2])
        return self.page if len(self.images) == 1 else self.crop


def test_a_region_the_page_read_left_unread_is_read_inverted_in_page_coordinates():
    image = np.asarray(receipt())
    (region,) = find_inverted_regions(image, line_height=32)
    crop_read = [
        OcrLine("AURORA", 0.97, box_of((40, 40, 260, 90))),
        OcrLine("★", 0.99, box_of((10, 10, 30, 30))),  # a logo's drawing: no letter or digit
        OcrLine("AUR0RA?", 0.55, box_of((40, 40, 260, 90))),  # unsure
    ]
    engine = ScriptedEngine(page_lines(), crop_read)
    lines = with_inverted_text(engine, image, engine.recognize(image))
    (crop_height, crop_width) = engine.images[1]
    pad = (crop_width - region.width) // 2
    assert crop_height == region.height + 2 * pad
    assert [line.text for line in lines] == ["AURORA", *TEXT_LINES]  # in reading order
    assert [line.inverted for line in lines] == [True, False, False, False]
    assert lines[0].box[0] == (40 + region.x - pad, 40 + region.y - pad)
    assert lines[0].confidence == 0.97


def test_a_line_the_page_read_found_in_a_dark_box_is_marked_and_not_read_again():
    image = np.asarray(receipt())
    read_there = OcrLine("AURORA", 0.98, box_of((200, 60, 400, 110)))
    engine = ScriptedEngine([read_there, *page_lines()], [OcrLine("AURORA", 0.99, box_of((40, 40, 260, 90)))])
    lines = with_inverted_text(engine, image, engine.recognize(image))
    assert len(engine.images) == 1  # the region's light pixels were covered: no second read
    assert [(line.text, line.inverted) for line in lines] == [("AURORA", True)] + [(t, False) for t in TEXT_LINES]


def test_an_inverted_read_that_repeats_the_page_read_is_dropped():
    image = np.asarray(receipt())
    unsure = OcrLine("AURDRA", 0.6, box_of((200, 60, 400, 110)))  # the page's read, unsure: the region is read
    engine = ScriptedEngine([unsure, *page_lines()], [OcrLine("AURORA", 0.99, box_of((40, 40, 260, 90)))])
    lines = with_inverted_text(engine, image, engine.recognize(image))
    assert len(engine.images) == 2
    assert [line.text for line in lines] == ["AURDRA", *TEXT_LINES]


def test_a_page_without_a_region_keeps_its_lines_as_they_are():
    image = np.asarray(receipt(logo=False))
    engine = ScriptedEngine(page_lines(), [])
    lines = engine.recognize(image)
    assert with_inverted_text(engine, image, lines) is lines


def test_added_lines_go_among_the_page_lines_by_height():
    page = [OcrLine(t, 1.0, box_of((0, 100 * i, 100, 100 * i + 30))) for i, t in enumerate("abc")]
    added = [OcrLine("x", 1.0, box_of((0, 150, 100, 180)), inverted=True), OcrLine("y", 1.0, box_of((0, -50, 9, -20)))]
    assert [line.text for line in merge_in_reading_order(page, added)] == ["y", "a", "b", "x", "c"]


@pytest.mark.parametrize(
    ("read", "written"),
    [
        ("ΣYNOΛO 12,50 €", "ΣΥΝΟΛΟ 12,50 €"),  # Latin Y, N, O
        ("EΛΛHNIKOΣ KAΦEΣ 2,50", "ΕΛΛΗΝΙΚΟΣ ΚΑΦΕΣ 2,50"),
        ("AΦM 094014201 ΔOY", "ΑΦΜ 094014201 ΔΟΥ"),
        ("PEΣTA 7,50", "ΡΕΣΤΑ 7,50"),
        ("ΣYNOΛO:", "ΣΥΝΟΛΟ:"),
        ("νερó", "νερό"),  # a Latin ó in a lower-case Greek word
        ("Eυχαριστούμε", "Ευχαριστούμε"),
    ],
)
def test_greek_words_read_with_latin_look_alikes_are_written_in_greek(read, written):
    assert normalise_mixed_script(read) == written
    assert not any("A" <= c <= "z" for c in normalise_mixed_script(read))


@pytest.mark.parametrize(
    "read",
    [
        "TAXI MENU",  # look-alikes only: as likely Latin as Greek
        "TOTAL 12.50",
        "ΣYNOLO",  # a Latin L has no Greek twin: not a Greek word misread
        "5 µg",  # the micro sign is a symbol, not a Greek letter
        "Café Ω-3",
    ],
)
def test_latin_words_stay_latin(read):
    assert normalise_mixed_script(read) == read


def test_the_page_reading_marks_reads_and_writes_greek():
    from services.worker.pipeline import recognize_page  # the pipeline, as every worker reads a page

    image = np.asarray(receipt())
    engine = ScriptedEngine([*page_lines(), OcrLine("ΣYNOΛO 5,60", 0.99, box_of((148, 340, 400, 370)))], [])
    engine.crop = [OcrLine("AURORA", 0.97, box_of((40, 40, 260, 90)))]
    lines = recognize_page(engine, image)
    assert [(line.text, line.inverted) for line in lines] == [
        ("AURORA", True),
        *[(t, False) for t in TEXT_LINES],
        ("ΣΥΝΟΛΟ 5,60", False),
    ]
