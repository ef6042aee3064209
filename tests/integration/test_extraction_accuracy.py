"""Measured, not hoped for: the invoice template on the clean half of the generated corpus, with real OCR."""

from __future__ import annotations

import pytest

from services.worker.engine.rapidocr_engine import RapidOcrEngine
from tests.support.corpus import build_corpus
from tests.support.scoring import score_corpus

MIN_CLEAN_INVOICE_ACCURACY = 0.95


@pytest.fixture(scope="module")
def corpus():
    return build_corpus()


def test_corpus_has_thirty_varied_documents_with_ground_truth(corpus):
    assert len(corpus) >= 30
    assert {d.language for d in corpus} == {"en", "fr", "de", "es"}
    assert {d.template for d in corpus} == {"invoice", "receipt"}
    assert sum(d.scanned for d in corpus) == len(corpus) // 2
    assert all(d.truth and d.text_lines for d in corpus)


def test_invoice_fields_are_at_least_95_percent_right_on_clean_documents(corpus):
    clean = [d for d in corpus if d.template == "invoice" and not d.scanned]
    scores = score_corpus(clean, RapidOcrEngine(threads=2))
    accuracy = scores.accuracy("invoice")
    assert accuracy >= MIN_CLEAN_INVOICE_ACCURACY, "\n".join(scores.failures)
    assert max(scores.cer["clean"]) < 0.05
