"""The GPU worker's engine (OCRBATCH_OCR_ENGINE=onnxruntime-gpu) run here on ONNX Runtime's CPU provider, which
stands in for the CUDA one where no GPU is (the same models, the same batching code; only the device differs):
batched reads of real receipts and generated pages equal the CPU engine's, pages read the same whatever pages
share their batches, and concurrent jobs' pages meet in shared batches."""

from __future__ import annotations

import logging
import threading
from collections import Counter

import numpy as np
import pytest

from services.worker.bootstrap import HEALTH_TEXT, check_engine
from services.worker.documents import Limits, load_pages
from services.worker.engine import batched
from services.worker.engine.batched import BatchedEngine
from services.worker.engine.collector import PageCollector
from services.worker.engine.port import OcrLine
from services.worker.engine.rapidocr_engine import RapidOcrEngine, configured_engine, configured_engine_name
from services.worker.engine.scripts import LatinFirstEngine
from services.worker.settings import WorkerSettings
from tests.support import real_corpora
from tests.support.corpus import build_corpus

RECEIPTS = 3


@pytest.fixture(scope="module")
def pages() -> list[np.ndarray]:
    """Real receipts of different sizes and two generated A4 pages (a clean one and a poor scan)."""
    if not real_corpora.available("sroie-dev"):
        pytest.skip(f"sroie-dev not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    docs = real_corpora.load("sroie-dev")
    files = [d.data for d in docs[:: len(docs) // RECEIPTS][:RECEIPTS]]
    files += [d.data for d in build_corpus()[:2]]
    return [page.image for data in files for page in load_pages(data, Limits()) if page.image is not None]


@pytest.fixture(scope="module")
def cpu_engine() -> RapidOcrEngine:
    return RapidOcrEngine(threads=1, backend="onnxruntime")


@pytest.fixture(scope="module")
def cpu_read(cpu_engine, pages) -> list[list[OcrLine]]:
    return [cpu_engine.recognize(page) for page in pages]


def assert_same_lines(got: list[OcrLine], want: list[OcrLine]) -> None:
    assert [line.text for line in got] == [line.text for line in want]
    for a, b in zip(got, want, strict=True):
        assert np.allclose(a.box, b.box, atol=0.01), (a, b)
        assert a.confidence == pytest.approx(b.confidence, abs=1e-4)


def test_on_the_cpu_provider_batched_pages_read_as_the_cpu_engine_reads_them_one_by_one(pages, cpu_read):
    """Padded as the CPU engine pads (detection to 32 px, recognition to its own widths): the same lines, texts
    and boxes, with every page's model calls gathered into shared batches."""
    engine = BatchedEngine(cuda=False, det_step=32, rec_step=0, det_batch=4, rec_lines=16)
    assert engine.device == "cpu"
    read = engine.recognize_pages(pages)
    assert all(read), "every page has lines"
    for got, want in zip(read, cpu_read, strict=True):
        assert_same_lines(got, want)


def test_with_padding_buckets_a_page_reads_the_same_whatever_pages_share_its_batches(pages, cpu_read):
    """The GPU defaults pad pages and lines of similar sizes to the same size: a page's read then depends on its
    own padding alone, never on the other pages of its batches; and it stays close to the CPU engine's."""
    engine = BatchedEngine(cuda=False)
    together = engine.recognize_pages(pages)
    alone = [engine.recognize(page) for page in pages]
    for got, want in zip(together, alone, strict=True):
        assert_same_lines(got, want)
    same = sum(
        (Counter(a.text for a in got) & Counter(b.text for b in want)).total()
        for got, want in zip(together, cpu_read, strict=True)
    )
    assert same >= 0.9 * sum(len(want) for want in cpu_read)  # the word F1 on many more pages: bench/gpu.py


def test_given_boxes_are_read_as_the_cpu_engine_reads_them(pages, cpu_engine, cpu_read):
    engine = BatchedEngine(cuda=False, det_step=32, rec_step=0)
    boxes = [line.box for line in cpu_read[0]]
    got, want = engine.read_lines(pages[0], boxes), cpu_engine.read_lines(pages[0], boxes)
    assert [text for text, _ in got] == [text for text, _ in want]
    assert [score for _, score in got] == pytest.approx([score for _, score in want], abs=1e-4)


def test_concurrent_jobs_pages_are_read_in_shared_batches_with_the_same_results(pages, cpu_read):
    """Four reading threads, as four concurrent jobs: the collector waits until each has a page waiting (the
    consumer's count of jobs reading) and reads the four in one batch; each thread gets its own page's lines."""
    collector = PageCollector(
        BatchedEngine(cuda=False, det_step=32, rec_step=0), max_pages=8, readers=lambda: 4, max_wait_s=60
    )
    results: dict[int, list[OcrLine]] = {}

    def job(i: int) -> None:
        results[i] = collector.recognize(pages[i])

    threads = [threading.Thread(target=job, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert collector.batches == [4]
    for i in range(4):
        assert_same_lines(results[i], cpu_read[i])


def test_a_lone_job_never_waits_for_a_batch_to_fill(pages, cpu_read):
    collector = PageCollector(BatchedEngine(cuda=False, det_step=32, rec_step=0), max_pages=8, max_wait_s=60)
    assert_same_lines(collector.recognize(pages[0]), cpu_read[0])  # one job reading: read at once, not in 60 s
    assert collector.batches == [1]


def test_without_a_gpu_the_gpu_engine_reads_on_the_cpu_provider_and_says_so_once(monkeypatch, caplog):
    """No CUDA provider here: every engine a worker makes (qualities, alphabets, renewals) reads on the CPU
    provider, and one log line says so."""
    monkeypatch.setattr(batched, "_told", False)
    settings = WorkerSettings(ocr_engine="onnxruntime-gpu", worker_concurrency=4)
    with caplog.at_level(logging.WARNING, logger=batched.__name__):
        engine = configured_engine(settings)
        again = configured_engine(settings)
    told = [r.getMessage() for r in caplog.records if r.name == batched.__name__]
    assert len(told) == 1
    assert "reading on the CPU provider" in told[0]
    assert isinstance(engine, LatinFirstEngine) and isinstance(engine.latin, PageCollector)
    assert engine.latin.engine.device == "cpu"  # type: ignore[attr-defined]
    assert engine.name == configured_engine_name(settings)
    assert check_engine(again) < 30  # it read HEALTH_TEXT back, or check_engine raised
    assert HEALTH_TEXT
