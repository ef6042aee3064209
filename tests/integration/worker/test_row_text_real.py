"""The text of real receipts keeps their printed rows (sroie-dev, read by the workers' engine): as many rows as the
ground truth has, in the same order. The ground truth gives one box per text line, not rows: its rows are its boxes
grouped by the same vertical overlap (services/worker/extraction/layout.py), so this measures whether OCR's boxes
fall into the rows the true boxes fall into."""

from __future__ import annotations

import csv

import pytest
from rapidfuzz import fuzz

from ocrbatch.v1 import common_pb2
from services.worker.extraction.layout import visual_rows
from services.worker.row_text import page_rows
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache

RECEIPTS = 10
SAME_ROW = 80  # similarity (0..100) of a true row's text and the read row taken for it
# Measured on 30 sroie-dev receipts (every fourth): row counts within 2 of the truth on 29, 95 % of the true rows
# found, 99 % of them in order.
MIN_COUNT_CLOSE, MIN_FOUND, MIN_IN_ORDER = 0.9, 0.9, 0.95


def true_page(doc: real_corpora.RealDocument) -> common_pb2.Page:
    page = common_pb2.Page(number=1)
    with open(doc.path.parent.parent / "box" / f"{doc.path.stem}.csv", encoding="utf-8", errors="replace") as f:
        for row in csv.reader(f):
            if len(row) > 8:
                xy = [float(v) for v in row[:8]]
                corners = [common_pb2.Point(x=xy[i], y=xy[i + 1]) for i in range(0, 8, 2)]
                page.lines.append(common_pb2.Line(text=",".join(row[8:]), confidence=1.0, box=corners))
    return page


def folded(text: str) -> str:
    return " ".join(text.split()).upper()


def test_real_receipts_come_out_in_their_printed_rows_in_order():
    if not real_corpora.available("sroie-dev"):
        pytest.skip(f"sroie-dev not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    docs = real_corpora.load("sroie-dev")
    docs = docs[:: len(docs) // RECEIPTS][:RECEIPTS]
    ocr = default_engine_cache()
    close = found = wanted = in_order = pairs = 0
    for doc in docs:
        read = [row for row in page_rows(ocr.pages(doc.path.read_bytes())[0]) if row.strip()]
        truth = [row.text for row in visual_rows([true_page(doc)])]
        close += abs(len(read) - len(truth)) <= 2
        places = []
        for row in truth:
            scores = [fuzz.ratio(folded(row), folded(r)) for r in read]
            best = max(range(len(read)), key=scores.__getitem__)
            if scores[best] >= SAME_ROW:
                places.append(best)
        found, wanted = found + len(places), wanted + len(truth)
        in_order += sum(b > a for a, b in zip(places, places[1:], strict=False))
        pairs += max(len(places) - 1, 0)
    assert close / len(docs) >= MIN_COUNT_CLOSE
    assert found / wanted >= MIN_FOUND, f"{found} of {wanted} printed rows found"
    assert in_order / pairs >= MIN_IN_ORDER, f"{in_order} of {pairs} rows in order"
