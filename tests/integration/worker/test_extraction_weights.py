"""The committed scorer weights are what `python -m bench.extraction --fit` makes of what the extraction computes
now: the weights file records a hash of every document's fitting inputs (its candidates, which features each
has and whether it is right), and the documents the accuracy gate reads must hash the same today. A change to the
extraction's candidates or features without a refit fails here, naming the command."""

from __future__ import annotations

import json

import pytest

from bench import extraction_fit
from services.worker.extraction.scoring import WEIGHTS_FILE, model_from
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache

MAY_READ_DIFFERENTLY = 2
REFIT = "refit with: .venv/bin/python -m bench.extraction --fit (and commit services/worker/extraction/weights.json)"


@pytest.fixture(scope="module")
def subset_examples():
    missing = [c for c in real_corpora.CORPORA if not real_corpora.available(c)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    docs = [doc for corpus in real_corpora.CORPORA for doc in real_corpora.gate_subset(corpus)]
    return extraction_fit.examples(docs, default_engine_cache().pages)


def test_the_committed_weights_were_fitted_on_what_the_extraction_computes_now(subset_examples):
    recorded = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["inputs"]["per_document"]
    now = extraction_fit.document_hashes(subset_examples)
    assert len(now) >= 40
    changed = sorted(name for name, digest in now.items() if recorded.get(name) != digest)
    # a document or two may read differently on another CPU (OCR's bfloat16); a change to the extraction's
    # candidates or features changes most of them
    assert len(changed) <= MAY_READ_DIFFERENTLY, f"{len(changed)} documents' fitting inputs changed: {REFIT}\n{changed}"


def test_the_fit_gives_the_same_weights_from_the_same_inputs_and_the_worker_reads_them(subset_examples):
    first, _ = extraction_fit.fit(subset_examples)
    second, _ = extraction_fit.fit(subset_examples)
    assert first == second
    fitted = model_from(first)
    assert {"total", "date", "issuer", "label"} <= set(fitted.scorers)
    assert 0.0 < fitted.calibration.confidence("total", 0.9, 3.0, 0.95) <= 1.0
