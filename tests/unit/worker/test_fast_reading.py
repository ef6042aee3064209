"""The `fast` reading: which lines the small recogniser reads again (the header an issuer comes from), and that its
reading replaces the tiny one there and nowhere else. The two models are stand-ins here (StubPage, StubReader:
the selection is what is tested); tests/e2e/test_reading_quality.py reads real receipts with both."""

from __future__ import annotations

import numpy as np

from services.common.qualities import QualityError, checked_quality
from services.worker.engine.fast import REREAD, FastEngine, header_lines, looks_like_date
from services.worker.engine.port import OcrLine
from services.worker.engine.qualities import EnginesByQuality
from services.worker.engine.reread_gate import FEATURES, ReReadGate, features, fitted_gate, gate_digest
from services.worker.extraction.issuer import HEADER_ROWS


def line(text: str, top: float, height: float = 20, confidence: float = 0.9) -> OcrLine:
    return OcrLine(text, confidence, ((10, top), (300, top), (300, top + height), (10, top + height)))


EVERY_LINE = ReReadGate(mean=(0.0,) * len(FEATURES), scale=(1.0,) * len(FEATURES), weights=(0.0,) * len(FEATURES),
                        intercept=0.0, threshold=0.0)  # fmt: skip


class StubPage:
    """Stands in for the tiny pair: always the same lines."""

    name = "tiny"
    alphabet = "latin"

    def __init__(self, lines: list[OcrLine]) -> None:
        self.lines = lines

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return list(self.lines)


class StubReader:
    """Stands in for the small recogniser: reads every box as "careful <top>", except boxes it reads as blank."""

    name = "small"

    def __init__(self, blank_tops: tuple[float, ...] = ()) -> None:
        self.asked: list[float] = []
        self.blank_tops = blank_tops

    def read_lines(self, image, boxes):
        self.asked += [box[0][1] for box in boxes]
        return [("" if box[0][1] in self.blank_tops else f"careful {box[0][1]:.0f}", 0.99) for box in boxes]


def test_the_header_is_the_first_rows_in_the_top_part_of_the_page():
    lines = [line(f"row {i}", 30 * i) for i in range(40)]
    chosen = header_lines(lines, page_height=1000)
    assert chosen == list(range(HEADER_ROWS))  # the first rows; all of them in the top 45 %
    assert header_lines(lines, page_height=100) == [0, 1]  # a short page: only rows in its top part
    assert header_lines(lines, page_height=1000, first=5) == [0, 1, 2, 3, 4]  # bench/fast_routes.py's H5


def test_header_lines_are_read_again_and_the_rest_left_as_the_tiny_model_read_them():
    lines = [line("TINY SHOP", 10), line("tiny addr", 40), *[line(f"item {i}", 600 + 30 * i) for i in range(5)]]
    reader = StubReader(blank_tops=(40,))
    engine = FastEngine(StubPage(lines), reader, EVERY_LINE)
    read = engine.recognize(np.zeros((1000, 400, 3), np.uint8))

    assert reader.asked == [10, 40]  # the header only
    assert [r.text for r in read] == ["careful 10", "tiny addr", *[f"item {i}" for i in range(5)]]  # blank kept
    assert read[0].confidence == 0.99 and read[0].box == lines[0].box  # the careful read's confidence, same box
    assert engine.name == f"fast(tiny+small)-gate-{gate_digest()}-{REREAD}"  # cached readings end with a refit


def test_the_fitted_gate_reads_again_the_header_lines_the_tiny_model_is_unsure_of_and_leaves_sure_ones():
    sure, unsure = line("TINY SHOP", 10, confidence=0.999), line("T1NY 5H0P SDN BHD", 40, confidence=0.62)
    lines = [sure, unsure, *[line(f"item {i}", 600 + 30 * i) for i in range(5)]]
    gate = fitted_gate()
    assert gate.chance(unsure, 20) > gate.threshold > gate.chance(sure, 20)
    reader = StubReader()
    read = FastEngine(StubPage(lines), reader).recognize(np.zeros((1000, 400, 3), np.uint8))
    assert reader.asked == [40] and [r.text for r in read[:2]] == ["TINY SHOP", "careful 40"]


def test_the_gate_features_read_the_tiny_line_alone():
    values = dict(zip(FEATURES, features(line("2O18 Ab", 0, height=20, confidence=0.75), 10.0), strict=True))
    assert values["unsure"] == 0.25 and values["height_against_median"] == 2.0
    assert values["digits_beside_letters"] == 2 / 7  # "2O18": the 2 before the O and the 1 after it
    assert values["characters_per_height"] == 7 / (290 / 20)


def test_a_quality_is_checked_by_name():
    assert checked_quality(" Fast ") == "fast"
    assert checked_quality("") == ""
    try:
        checked_quality("turbo")
    except QualityError as exc:
        assert str(exc) == "must be one of accurate, fast ('turbo')"
    else:
        raise AssertionError("turbo was accepted")


def test_a_worker_makes_the_engine_of_a_quality_when_a_job_first_asks_for_it():
    made: list[str] = []

    def make(quality: str) -> StubPage:
        made.append(quality)
        return StubPage([])

    engines = EnginesByQuality(make, "accurate", max_jobs=0, max_rss_mb=0)
    assert made == ["accurate"] and engines.made("fast") is None
    assert engines.engine("") is engines.engine("accurate")  # "" is the default
    fast = engines.engine("fast")
    assert made == ["accurate", "fast"] and engines.made("fast") is fast and engines.engine("fast") is fast


def test_lines_that_look_like_dates_are_read_again_wherever_they_are():
    lines = [line("TINY SHOP", 10, confidence=0.999), *[line(f"item {i}", 600 + 30 * i) for i in range(3)]]
    lines += [line("Datum:18.08.2021 20:5", 800), line("Total 12,50", 830), line("5 März 2020", 860)]
    reader = StubReader()
    FastEngine(StubPage(lines), reader).recognize(np.zeros((1000, 400, 3), np.uint8))
    assert reader.asked == [800, 860]  # the sure header line is left; the dates low on the page are not


def test_a_date_is_recognised_by_its_shape_or_a_month_name_of_any_language():
    for text in ("Date:29-01-18", "2O18-09-24", "Sep. 24, 2018 8:11 AM", "02DEC22", "24 Sep", "5 März", "3 listopad"):
        assert looks_like_date(text), text
    for text in ("item 0", "Total 12,50", "Tisch: 60", "Bediener 1", "ΣΥΝΟΛΟ 5"):
        assert not looks_like_date(text), text
