"""Classification and splitting on real documents: the gate subset of the development corpora (the documents
`make test` reads anyway), classified among the built-in receipt and invoice with the committed scorer, one by one
and concatenated into portfolios. The cross-validated figures (issuers the scorer never saw) are bench/portfolio.py's
and the README's; this is their regression floor on documents the scorer was fitted on."""

from __future__ import annotations

import pytest

from bench.portfolio import CANDIDATES, Doc, _renumbered, _text_pages, portfolios
from services.worker.classification import UNKNOWN, classify
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache

FLOOR = 0.9  # the committed scorer gets 0.96 of every real document right (fitted on them); a regression falls under


@pytest.fixture(scope="module")
def gate_docs() -> list[Doc]:
    missing = [c for c in real_corpora.CORPORA if not real_corpora.available(c)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    cache = default_engine_cache()
    docs = [
        Doc(d.name, d.template, d.issuer, cache.pages(d.data))
        for corpus in real_corpora.CORPORA
        for d in real_corpora.gate_subset(corpus)
    ]
    prose = Doc(
        "minutes", UNKNOWN, "prose", _text_pages([["Minutes of the reading group"] + ["We met and talked."] * 12])
    )
    return docs + [prose]


def test_real_receipts_and_invoices_are_classified_as_their_type(gate_docs):
    right = [doc.name for doc in gate_docs if [p.type for p in classify(doc.pages, CANDIDATES)] == [doc.kind]]
    assert len(right) / len(gate_docs) >= FLOOR, sorted({d.name for d in gate_docs} - set(right))


def test_portfolios_of_real_documents_are_split_at_their_pages_and_typed(gate_docs):
    right = total = 0
    for docs in portfolios(gate_docs, seed=5):
        pages, truth, first = [], [], 1
        for doc in docs:
            pages += _renumbered(doc.pages, first)
            truth.append((first, first + len(doc.pages) - 1, doc.kind))
            first += len(doc.pages)
        found = {(p.start_page, p.end_page, p.type) for p in classify(pages, CANDIDATES)}
        right += sum(part in found for part in truth)
        total += len(truth)
    assert right / total >= FLOOR
