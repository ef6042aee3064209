"""The OCR engines: both runtimes read the bundled models, small and tiny (no download), and the recycling
engine keeps a long-running worker's memory bounded by making the engine again between jobs."""

from __future__ import annotations

import pytest

from services.worker.bootstrap import HEALTH_TEXT, check_engine
from services.worker.engine.rapidocr_engine import create_engine
from services.worker.engine.recycling import RecyclingEngine, rss_mb


@pytest.mark.parametrize(
    ("name", "model", "alphabet"),
    [
        ("onnxruntime", "small", "latin"),
        ("openvino", "small", "latin"),
        ("openvino", "tiny", "latin"),
        ("onnxruntime", "small", "full"),
        ("openvino", "tiny", "full"),
    ],
)
def test_each_runtime_reads_a_rendered_line_with_the_bundled_models(name, model, alphabet):
    engine = create_engine(name, threads=1, model=model, alphabet=alphabet)
    assert engine.backend == name
    assert engine.name == f"rapidocr-ppocrv6-{model}-{alphabet}-{name}-det1280-rec3w160-inv1-cjk1"
    assert check_engine(engine) < 30  # it read HEALTH_TEXT back, or check_engine raised
    assert HEALTH_TEXT


def test_an_unknown_engine_model_or_alphabet_is_refused():
    with pytest.raises(ValueError, match="one of onnxruntime, openvino"):
        create_engine("tesseract", threads=1)
    with pytest.raises(ValueError, match="OCRBATCH_OCR_MODEL 'medium': one of small, tiny"):
        create_engine("openvino", threads=1, model="medium")
    with pytest.raises(ValueError, match="alphabet 'cyrillic': one of latin, full"):
        create_engine("openvino", threads=1, alphabet="cyrillic")


class Counting:
    made = 0

    def __init__(self) -> None:
        Counting.made += 1

    def recognize(self, image):  # noqa: ANN001, ANN201
        return []


def test_the_engine_is_made_again_after_max_jobs_and_over_the_memory_limit():
    Counting.made = 0
    by_jobs = RecyclingEngine(Counting, max_jobs=3, max_rss_mb=0)
    for _ in range(7):
        by_jobs.job_done()
    assert (Counting.made, by_jobs.renewals) == (3, 2)  # the first, then after jobs 3 and 6
    assert 10 < rss_mb() < 100_000
    by_memory = RecyclingEngine(Counting, max_jobs=0, max_rss_mb=1)  # any process is over 1 MB
    by_memory.job_done()
    assert by_memory.renewals == 1
