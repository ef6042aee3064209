"""Scoring extraction against ground truth: field precision and recall, and OCR character error rate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.extraction import extract, visual_rows
from services.worker.extraction.issuer import split_legal_form
from tests.support.corpus import CorpusDocument, same_value
from tests.support.ocr_cache import page_text

# The built-in templates' issuer fields give the name a person files the document under: without its legal form
# ("Müller & Söhne GmbH" is "Müller & Söhne"; issuerLegalName keeps the form)
ISSUER_FIELDS = ("merchant", "vendor")


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(truth: str, pages: list[common_pb2.Page]) -> float:
    """Character error rate of the recognised rows against the rendered text, spacing normalised."""
    expected = " ".join(truth.split())
    got = " ".join(" ".join(row.text for row in visual_rows(pages)).split())
    return edit_distance(expected, got) / max(len(expected), 1)


@dataclass
class FieldScore:
    expected: int = 0  # fields with a true value
    extracted: int = 0  # fields the template returned a value for
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


@dataclass
class Scores:
    fields: dict[str, dict[str, FieldScore]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(FieldScore))
    )
    cer: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)

    def add(self, doc: CorpusDocument, values: dict, pages: list[common_pb2.Page]) -> None:
        for name, expected in doc.truth.items():
            got = values.get(name)
            if name in ISSUER_FIELDS:
                expected = split_legal_form(expected)[0]
            score = self.fields[doc.template][name]
            score.expected += 1
            score.extracted += got not in (None, [], "")
            if same_value(expected, got):
                score.correct += 1
            else:
                self.failures.append(f"{doc.name} {name}: expected {expected!r}, got {got!r}")
        self.cer["scanned" if doc.scanned else "clean"].append(cer(doc.text, pages))

    def accuracy(self, template: str) -> float:
        scores = self.fields[template].values()
        return sum(s.correct for s in scores) / max(sum(s.expected for s in scores), 1)


def score_corpus(docs: list[CorpusDocument], pages_of: Callable[[bytes], list[common_pb2.Page]]) -> Scores:
    """Scores the built-in templates on docs; `pages_of` reads a file (an OcrCache's `pages`, say)."""
    scores = Scores()
    for doc in docs:
        pages = pages_of(doc.data)
        scores.add(doc, extract(BUILTIN_TEMPLATES[doc.template], pages, page_text(pages)).values, pages)
    return scores
