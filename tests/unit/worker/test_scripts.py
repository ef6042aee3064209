"""Pages in Chinese or Japanese: the signal that a Latin read missed a script (box widths its text does not fill), the
locale rule, and the choice of alphabet per page, with scripted fake engines (no model needed)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ocrbatch.v1 import common_pb2
from services.common.api_json import pages_json
from services.worker.documents import Limits
from services.worker.engine.port import OcrLine, TwoAlphabetEngine
from services.worker.engine.recycling import RecyclingEngine
from services.worker.engine.scripts import (
    UNREAD_WIDTH,
    LatinFirstEngine,
    found_the_script,
    full_only_characters,
    looks_unreadable,
    needs_full_alphabet,
    unread_width,
)
from services.worker.extraction import LocaleHint
from services.worker.pipeline import read_document, read_page

HEIGHT = 40.0


def line(text: str, width_in_heights: float, row: int = 0, confidence: float = 0.95) -> OcrLine:
    """A line whose box is width_in_heights box heights wide, on the given row of a page."""
    x0, y0, x1 = 20.0, 20.0 + 60.0 * row, 20.0 + width_in_heights * HEIGHT
    return OcrLine(text, confidence, ((x0, y0), (x1, y0), (x1, y0 + HEIGHT), (x0, y0 + HEIGHT)))


def latin_page() -> list[OcrLine]:
    # Latin text takes about 0.4 box heights a character (the corpora's median)
    texts = ["SUPERMARKT MUSTER GMBH", "Milch 1,5% 1L", "1,19", "Brot", "SUMME EUR 3,48", "Danke fuer Ihren Einkauf"]
    return [line(text, 0.4 * len(text) + 0.5, row) for row, text in enumerate(texts)]


def chinese_page_read_latin() -> list[OcrLine]:
    # what the Latin alphabet makes of Chinese lines: a character or two in boxes as wide as their ~square characters
    return [
        line("Harbour Coffee Beijing", 10.0, 0),
        line(":", 10.5, 1, 0.50),  # 地址：北京市东城区雍和宫大街
        line(":010-64056968", 7.7, 2),  # 电话：010-64056968, still Latin enough
        line(",$", 13.7, 3, 0.54),  # 如您需要当日的电子发票，请务必在消费当
        line("!", 5.7, 4, 0.83),  # 欢迎您再次光临！
    ]


def test_a_latin_pages_lines_leave_nothing_unread():
    assert unread_width(latin_page()) == 0
    assert not looks_unreadable(latin_page())


def test_cjk_shaped_boxes_with_short_texts_are_unreadable():
    assert unread_width(chinese_page_read_latin()) == pytest.approx(10.5 + 13.7 + 5.7)
    assert looks_unreadable(chinese_page_read_latin())


def test_one_short_line_or_a_row_of_stars_is_not_a_page_in_another_script():
    assert not looks_unreadable([*latin_page(), line("9m", 5.2, 7)])  # a logo, the corpora's widest on a Latin page
    stars = [line("****", 19.3, 7), line("*", 20.6, 8), line("------", 16.0, 9)]
    assert unread_width([*latin_page(), *stars]) == 0  # separators read as a few of their stars
    assert unread_width([line("", UNREAD_WIDTH, 0)]) == UNREAD_WIDTH  # a box read as nothing at all is unread


@pytest.mark.parametrize(
    ("tag", "full"),
    [
        ("zh-CN", True),
        ("zh", True),
        ("zh-Hant-HK", True),
        ("ja-JP", True),
        ("yue-HK", True),
        ("und-Hant", True),
        ("ko-KR", False),  # no Hangul in the full alphabet either
        ("en-HK", False),
        ("el-GR", False),  # Greek is in the Latin alphabet
        ("", False),
    ],
)
def test_the_locales_whose_script_only_the_full_alphabet_reads(tag, full):
    assert needs_full_alphabet(tag) is full


def test_only_kana_and_ideographs_count_as_found_by_the_full_alphabet():
    assert full_only_characters([line("地址：北京市 Tel：010", 10), line("ローソン", 4)]) == 5 + 4
    assert full_only_characters([line("AID：A0000000041010 ＃＃＃", 10)]) == 0  # fullwidth look-alikes of Latin
    assert not found_the_script([line("米 一 ***", 4)])  # "*" and "-" read as look-alikes on a Latin page
    assert found_the_script([line("欢迎您再次光临！", 6)])


class FakeEngine:
    """A fake engine with a scripted read, so the choice of alphabet is tested without loading a model."""

    def __init__(self, name: str, lines: list[OcrLine]) -> None:
        self.name = name
        self.lines = lines
        self.calls = 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        self.calls += 1
        return self.lines


FULL_READ = [line("Harbour Coffee Beijing", 10.0, 0), line("地址：北京市东城区雍和宫大街", 10.5, 1)]


def fake_pair(latin_read: list[OcrLine], full_read: list[OcrLine]) -> tuple[LatinFirstEngine, FakeEngine, list[int]]:
    """A LatinFirstEngine over two fake engines (no model: the test is of the choice, not of reading), and how many
    times its full engine was made."""
    full = FakeEngine("full", full_read)
    made: list[int] = []

    def make_full() -> FakeEngine:
        made.append(1)
        return full

    return LatinFirstEngine(FakeEngine("latin", latin_read), make_full), full, made


PAGE = np.full((400, 800, 3), 255, dtype=np.uint8)  # white: the inverted-text finder finds nothing to add


def test_fake_engines_a_chinese_hint_reads_every_page_with_the_full_alphabet():
    engine, full, made = fake_pair(latin_page(), FULL_READ)
    lines, alphabet = read_page(engine, PAGE, LocaleHint("zh-CN", "upload"))
    assert (lines, alphabet) == (FULL_READ, "full")
    assert engine.latin.calls == 0  # not read twice
    assert full.calls == 1 and len(made) == 1


def test_fake_engines_a_latin_page_without_a_hint_is_read_once_in_latin():
    engine, full, made = fake_pair(latin_page(), FULL_READ)
    for hint in (None, LocaleHint(), LocaleHint("de-DE", "project"), LocaleHint("ko-KR", "upload")):
        assert read_page(engine, PAGE, hint) == (latin_page(), "latin")
    assert made == [] and not engine.full_made  # the full engine is never made


def test_fake_engines_a_page_the_latin_read_leaves_unread_is_read_again_and_the_full_read_kept():
    engine, full, made = fake_pair(chinese_page_read_latin(), FULL_READ)
    assert read_page(engine, PAGE) == (FULL_READ, "full")
    assert read_page(engine, PAGE) == (FULL_READ, "full")
    assert len(made) == 1 and full.calls == 2  # made once, then kept


def test_fake_engines_a_second_read_that_finds_no_script_keeps_the_latin_read():
    latin_read = chinese_page_read_latin()
    engine, full, _ = fake_pair(latin_read, [line("Harbour Coffee Beijing", 10.0, 0), line("—", 10.5, 1)])
    assert read_page(engine, PAGE) == (latin_read, "latin")
    assert full.calls == 1


def test_fake_engine_with_one_alphabet_reads_as_it_is_configured():
    single = FakeEngine("single", chinese_page_read_latin())
    single.alphabet = "full"  # type: ignore[attr-defined]
    assert read_page(single, PAGE, LocaleHint("zh-CN")) == (chinese_page_read_latin(), "full")
    assert read_page(FakeEngine("no alphabet", latin_page()), PAGE) == (latin_page(), "")


def test_fake_engines_renewed_together_the_full_one_made_again_only_when_needed():
    pairs: list[tuple[LatinFirstEngine, list[int]]] = []

    def make() -> LatinFirstEngine:
        engine, _, made = fake_pair(chinese_page_read_latin(), FULL_READ)
        pairs.append((engine, made))
        return engine

    recycling = RecyclingEngine(make, max_jobs=1, max_rss_mb=0)
    assert isinstance(recycling, TwoAlphabetEngine) and recycling.alphabet == "latin"
    assert read_page(recycling, PAGE)[1] == "full"
    recycling.job_done()  # renewed: a new pair, whose full engine is not made yet
    assert len(pairs) == 2 and not pairs[1][0].full_made
    assert read_page(recycling, PAGE)[1] == "full" and pairs[1][0].full_made


def test_fake_engines_the_page_records_the_alphabet_that_read_it():
    image = io.BytesIO()
    Image.fromarray(PAGE).save(image, "PNG")
    engine, _, _ = fake_pair(chinese_page_read_latin(), FULL_READ)
    (page,) = read_document(image.getvalue(), engine, Limits()).pages
    assert page.alphabet == "full" and page.source == "ocr"
    assert pages_json([page])[0]["alphabet"] == "full"
    text_page = common_pb2.Page(number=1, source="text_layer")
    assert "alphabet" not in pages_json([text_page])[0]  # only OCR'd pages have one
