"""The real development corpora in ../shared/corpora (never copied into the repository), as documents
with ground truth in the built-in templates' field names, and how their fields are judged."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.extraction import extract, visual_rows
from services.worker.normalise import parse_date, parse_number
from tests.support.ocr_cache import page_text

CORPORA_DIR = Path(os.environ.get("OCRBATCH_CORPORA", Path(__file__).resolve().parents[3] / "shared" / "corpora"))
CORPORA = ("sroie-dev", "invoices-dev", "receipts-world-dev")
MERCHANT_SIMILARITY = 0.8  # the bar: normalised similarity to the printed name


@dataclass
class RealDocument:
    name: str
    corpus: str
    template: str  # the built-in template that reads it
    path: Path
    truth: dict[str, Any]  # field name → expected value, in the template's normalised form
    lines: list[str] = field(default_factory=list)  # ground-truth text lines (sroie-dev only)
    issuer: str = ""  # who issued it: cross-validation folds never split one issuer's documents
    country: str = ""  # where it was issued (ISO 3166-1 alpha-2), where the corpus says

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()


def available(corpus: str) -> bool:
    return (CORPORA_DIR / corpus).is_dir()


def _sroie(folder: Path) -> list[RealDocument]:
    docs = []
    for image in sorted((folder / "img").glob("*.jpg")):
        key = json.loads((folder / "key" / f"{image.stem}.json").read_text(encoding="utf-8"))
        with (folder / "box" / f"{image.stem}.csv").open(encoding="utf-8", errors="replace", newline="") as f:
            lines = [",".join(row[8:]) for row in csv.reader(f) if len(row) > 8]
        truth = {"merchant": key["company"], "date": parse_date(key["date"]), "total": parse_number(key["total"])}
        docs.append(RealDocument(image.stem, "sroie-dev", "receipt", image, truth, lines, issuer_key(key["company"])))
    return docs


def _invoices(folder: Path) -> list[RealDocument]:
    docs = []
    for image in sorted(folder.glob("*.jpg")):
        key = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
        truth = {name: key[name] for name in ("invoiceNumber", "invoiceDate", "totalAmount", "lineItems")}
        truth["invoiceDate"] = parse_date(truth["invoiceDate"])  # a few are written 01/25/2015
        docs.append(RealDocument(image.stem, "invoices-dev", "invoice", image, truth, issuer=image.stem.split("-")[0]))
    return docs


def issuer_key(name: str) -> str:
    """Who issued a document, from its ground-truth name: case, spacing and punctuation aside, so that
    "HARBOUR CAFE" and "Harbour Cafe" are one issuer whose documents never sit on both sides of a fold."""
    return "".join(c for c in name.casefold() if c.isalnum())


def _world(folder: Path) -> list[RealDocument]:
    docs = []
    for meta in sorted(folder.glob("*.json")):
        key = json.loads(meta.read_text(encoding="utf-8"))
        image = next(p for p in (meta.with_suffix(".jpg"), meta.with_suffix(".png")) if p.is_file())
        truth = {
            "merchant": key["merchant"],
            "date": key["dateIso"],
            "total": parse_number(key["total"]),
            "currency": key["currency"],
        }
        docs.append(
            RealDocument(
                meta.stem,
                "receipts-world-dev",
                "receipt",
                image,
                truth,
                issuer=issuer_key(key["merchant"]),
                country=key["country"].upper(),
            )
        )
    return docs


def load(corpus: str) -> list[RealDocument]:
    folder = CORPORA_DIR / corpus
    return {"sroie-dev": _sroie, "invoices-dev": _invoices, "receipts-world-dev": _world}[corpus](folder)


def gate_subset(corpus: str) -> list[RealDocument]:
    """The fixed documents of a corpus that `make test` reads (OCR is the cost): 15 receipts spread over
    sroie-dev, one invoice of each of invoices-dev's 9 layouts, every third receipt of receipts-world-dev."""
    docs = load(corpus)
    if corpus == "sroie-dev":
        return docs[::8][:15]
    if corpus == "receipts-world-dev":
        return docs[::3]
    first_of_each_layout: dict[str, RealDocument] = {}
    for doc in docs:
        first_of_each_layout.setdefault(doc.name.split("-")[0], doc)
    return list(first_of_each_layout.values())


def _squash(text: str) -> str:
    return " ".join(str(text).upper().replace(".", " ").split())


def _name(text: str) -> str:
    """A business name as it is compared: without its legal form ("… SDN BHD", "… GmbH", "UAB …"), which
    the receipts-world-dev truth leaves out and sroie-dev's keeps; case, dots and spacing aside."""
    from services.worker.extraction.issuer import split_legal_form

    return _squash(split_legal_form(" ".join(str(text).split()))[0])


def similarity(expected: str, got: str) -> float:
    """Similarity of two names ignoring legal forms, case, dots and spacing (0..1)."""
    return SequenceMatcher(None, _name(expected), _name(got)).ratio()


def raw_similarity(expected: str, got: str) -> float:
    """Similarity of two names ignoring only case, dots and spacing (0..1): the legal form counts."""
    return SequenceMatcher(None, _squash(expected), _squash(got)).ratio()


def _same_text(expected: Any, got: Any) -> bool:
    return got is not None and "".join(str(expected).lower().split()) == "".join(str(got).lower().split())


def _same_number(expected: Any, got: Any) -> bool:
    return isinstance(got, int | float) and expected is not None and abs(float(got) - float(expected)) < 0.005


def same_row(expected: dict[str, Any], got: dict[str, Any]) -> bool:
    return (
        _same_text(expected["description"], got.get("description"))
        and _same_number(expected["quantity"], got.get("quantity"))
        and _same_number(expected["unitPrice"], got.get("unitPrice"))
    )


def field_right(name: str, expected: Any, got: Any) -> bool:
    """Whether an extracted value counts as right: names by similarity, numbers to the cent, ids exactly."""
    if name == "merchant":
        return got is not None and similarity(expected, got) >= MERCHANT_SIMILARITY
    if name in ("total", "totalAmount"):
        return _same_number(expected, got)
    return _same_text(expected, got)


def rows_right(expected: list[dict[str, Any]], got: Any) -> tuple[int, int]:
    """(rows found exactly, rows expected) for a line-item table, matched in order."""
    rows = got if isinstance(got, list) else []
    right = sum(
        1 for want, have in zip(expected, rows, strict=False) if isinstance(have, dict) and same_row(want, have)
    )
    return right, len(expected)


def word_f1(truth_lines: list[str], got_lines: list[str]) -> float:
    """F1 of the multiset of whitespace-separated words, case aside (the ground truth is upper case): what OCR
    got right, reading order aside."""
    from collections import Counter

    want = Counter(w.upper() for line in truth_lines for w in line.split())
    have = Counter(w.upper() for line in got_lines for w in line.split())
    common = sum((want & have).values())
    if not common:
        return 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def cer(truth_lines: list[str], got_lines: list[str]) -> float:
    """Character error rate of the text read top to bottom against the ground-truth lines, spacing and case
    normalised."""
    from rapidfuzz.distance import Levenshtein

    expected = " ".join(" ".join(truth_lines).split()).upper()
    got = " ".join(" ".join(got_lines).split()).upper()
    return Levenshtein.distance(expected, got) / max(len(expected), 1)


@dataclass
class FieldTally:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class RealScores:
    fields: dict[str, FieldTally] = field(default_factory=dict)
    rows: list[int] = field(default_factory=lambda: [0, 0])  # line-item rows exact, expected
    confident: list[bool] = field(default_factory=list)  # right or not, for every value with confidence ≥ 0.9
    review: list[bool] = field(default_factory=list)  # needsReview, per document
    review_wrong: list[bool] = field(default_factory=list)  # whether a document needing no review had a wrong field
    cer: list[float] = field(default_factory=list)
    word_f1: list[float] = field(default_factory=list)

    def tally(self, name: str) -> FieldTally:
        return self.fields.setdefault(name, FieldTally())


CONFIDENT = 0.9


def score(docs: list[RealDocument], pages_of: Callable[[bytes], list[common_pb2.Page]]) -> RealScores:
    """Reads every document with its built-in template (`pages_of(file bytes)` gives the recognised
    pages, e.g. from the OCR cache) and judges every field."""
    scores = RealScores()
    for doc in docs:
        pages = pages_of(doc.data)
        extracted = extract(BUILTIN_TEMPLATES[doc.template], pages, page_text(pages))
        values, details, needs_review = extracted.values, extracted.details, extracted.needs_review
        row_texts = [row.text for row in visual_rows(pages)]
        any_wrong = False
        for name, expected in doc.truth.items():
            got = values.get(name)
            if name == "lineItems":
                right, total = rows_right(expected, got)
                scores.rows[0] += right
                scores.rows[1] += total
                ok = right == total and isinstance(got, list) and len(got) == total
            else:
                ok = field_right(name, expected, got)
                confidence = (details.get(name) or {}).get("confidence") or 0.0
                if got is not None and confidence >= CONFIDENT:
                    scores.confident.append(ok)
            tally = scores.tally(name)
            tally.total += 1
            tally.right += ok
            any_wrong |= not ok
            if not ok:
                shown = got if name != "lineItems" else f"{rows_right(expected, got)[0]}/{len(expected)} rows"
                tally.misses.append(f"{doc.corpus}/{doc.name} {name}: expected {expected!r}, got {shown!r}")
        scores.review.append(needs_review)
        if not needs_review:
            scores.review_wrong.append(any_wrong)
        if doc.lines:
            scores.cer.append(cer(doc.lines, row_texts))
            scores.word_f1.append(word_f1(doc.lines, row_texts))
    return scores
