"""Corrections that teach, measured on the real development corpora.

  python -m bench.corrections        # per corpus and field: before and after one correction per issuer
  python -m bench.corrections --fit  # fit the example features' weights (extraction/learned_weights.json)

Each corpus is one project. Its documents are grouped by issuer (for invoices-dev: by layout) in file-name order;
the first document of each group is corrected — every field with ground truth set to its true value, as a
person would through `PATCH /v1/openapi/processing-history/{id}` — and the rest are read with the project's
examples. The code is the product's: the batch service's (where the page prints a corrected value, the
example it teaches: services/batch/service/corrections.py) and the worker's (the document's fingerprint,
which examples apply, their features: services/worker/extraction). tests/e2e/test_corrections.py runs the
same through the real services on a few documents.

Reported per corpus and field, on the documents after the first of an issuer that has several ("following"),
and on the documents of issuers with one document (which other issuers' examples must leave unchanged):
accuracy before (no corrections) and after. `--fit` fits the weights of the example features by conditional
logit (each document's candidates, the extraction's own score as an offset), with the L2 strength chosen by
cross-validation grouped by issuer, and reports the cross-validated accuracy (weights fitted without the
issuer they are scored on) beside the fitted one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import common_pb2, jobs_pb2
from services.batch.domain.corrections import anchor_of, rejected_anchor
from services.batch.domain.model import Record
from services.batch.service.corrections import example_message, taught_example
from services.common.examples import EXAMPLES_PER_JOB
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.extraction import extract, read_context
from services.worker.extraction.fields import field_candidates, field_scorer, other_labels
from services.worker.extraction.fingerprint import issuer_keys
from services.worker.extraction.learned import FEATURES, LEARNED_WEIGHTS_FILE, applicable
from services.worker.extraction.scoring import model
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache

FORMAT = 1
L2_GRID = (0.01, 0.1, 1.0, 10.0)  # penalties tried on the weights; the cross-validated best is kept
FOLDS = 5

Pages = Callable[[bytes], list[common_pb2.Page]]


def _truths(doc: real_corpora.RealDocument) -> dict[str, Any]:
    return {name: value for name, value in doc.truth.items() if name != "lineItems" and value is not None}


def groups_of(docs: list[real_corpora.RealDocument]) -> dict[str, list[real_corpora.RealDocument]]:
    """The corpus's documents by issuer, each group in file-name order. An issuer is a business in one country:
    a brand's shops in two countries are run by two companies (a franchisee, a national subsidiary) with their
    own registration, address and receipt layout, so a correction of one teaches nothing about the other."""
    out: dict[str, list[real_corpora.RealDocument]] = defaultdict(list)
    for doc in sorted(docs, key=lambda d: d.name):
        out[f"{doc.issuer}/{doc.country}" if doc.country else doc.issuer].append(doc)
    return dict(out)


def _record(doc: real_corpora.RealDocument, keys: list[str], pages: list[common_pb2.Page]) -> Record:
    """The corrected document as the batch service holds it: what taught_example reads."""
    at = datetime.now(UTC)
    digest = hashlib.sha256(doc.name.encode()).hexdigest()[:24]
    return Record(
        digest,
        "",
        doc.corpus,
        0,
        "bench",
        doc.corpus,
        doc.name,
        0,
        "",
        "",
        at,
        at,
        template_id=doc.template,
        pages=pages,
        issuer_keys=keys,
    )


def corrected(doc: real_corpora.RealDocument, pages_of: Pages) -> list[jobs_pb2.Example]:
    """The examples one document teaches when a person sets every field with ground truth to its true value."""
    template = BUILTIN_TEMPLATES[doc.template]
    pages = pages_of(doc.data)
    extracted = extract(template, pages, "")
    record = _record(doc, extracted.issuer_keys, pages)
    out = []
    truths = _truths(doc)
    for f in template.fields:
        if f.name not in truths or f.rule.WhichOneof("kind") == "table":
            continue
        found = extracted.details.get(f.name)
        anchor = anchor_of(f.type, truths[f.name], found, pages)
        rejected = rejected_anchor(f.type, truths[f.name], found, pages, anchor)
        example = taught_example(record, f, truths[f.name], anchor, datetime.now(UTC), rejected)
        if example is not None:
            out.append(example_message(example))
    return out


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        return f"{self.right / self.total:.3f} ({self.right}/{self.total})" if self.total else "—"


@dataclass
class Choice:
    """One document's candidates for one field, with the extraction's own scores and their example features."""

    group: str
    field: str
    base: list[float]
    taught: list[list[float]]
    right: list[bool]


@dataclass
class Project:
    """A corpus as one project: its groups, the examples their first documents taught, and what was read."""

    corpus: str
    groups: dict[str, list[real_corpora.RealDocument]]
    examples: list[jobs_pb2.Example] = field(default_factory=list)


def project(corpus: str, pages_of: Pages) -> Project:
    docs = real_corpora.load(corpus)
    p = Project(corpus, groups_of(docs))
    for group in p.groups.values():
        if len(group) > 1:
            p.examples += corrected(group[0], pages_of)
    p.examples = p.examples[-EXAMPLES_PER_JOB:][::-1]  # a job carries the latest first
    return p


def following(p: Project) -> list[tuple[str, real_corpora.RealDocument]]:
    """Documents after the first of their issuer's ("following"), and the only ones of theirs ("alone")."""
    out = []
    for group in p.groups.values():
        if len(group) > 1:
            out += [("following", doc) for doc in group[1:]]
        else:
            out.append(("alone", group[0]))
    return out


def accuracy(p: Project, pages_of: Pages) -> dict[tuple[str, str], tuple[Tally, Tally, Tally]]:
    """(kind, field) → (before, after, after where the page prints the true value) on the project's documents
    but each issuer's first. The page prints the true value when one of the extraction's candidates for the
    field is right: where none is (OCR lost it, or the corpus's label is not what the page prints), no
    correction can teach it."""
    out: dict[tuple[str, str], tuple[Tally, Tally, Tally]] = defaultdict(lambda: (Tally(), Tally(), Tally()))
    for kind, doc in following(p):
        template = BUILTIN_TEMPLATES[doc.template]
        pages = pages_of(doc.data)
        before = extract(template, pages, "").values
        after = extract(template, pages, "", examples=p.examples).values
        context = read_context(pages)
        labelled = {f.name: f for f in template.fields if f.rule.WhichOneof("kind") == "label"}
        for name, truth in _truths(doc).items():
            right = real_corpora.field_right(name, truth, after.get(name))
            out[(kind, name)][0].add(real_corpora.field_right(name, truth, before.get(name)))
            out[(kind, name)][1].add(right)
            candidates = (
                field_candidates(labelled[name], other_labels(template, name), context) if name in labelled else []
            )
            if any(real_corpora.field_right(name, truth, c.value) for c in candidates) or right:
                out[(kind, name)][2].add(right)
    return out


def choices(p: Project, pages_of: Pages) -> list[Choice]:
    """Every following document's candidates per field, as the extraction scores them before the examples."""
    out = []
    fitted = model()
    for kind, doc in following(p):
        if kind != "following":
            continue
        template = BUILTIN_TEMPLATES[doc.template]
        context = read_context(pages_of(doc.data))
        issuer_fields = frozenset(f.name for f in template.fields if f.rule.label.role in ("issuer", "legal_name"))
        taught = applicable(list(p.examples), issuer_keys(context), issuer_fields, template.id)
        labelled = [f for f in template.fields if f.rule.WhichOneof("kind") == "label"]
        truths = _truths(doc)
        for f in labelled:
            if f.name not in truths or not taught.get(f.name):
                continue
            candidates = field_candidates(f, other_labels(template, f.name), context, None, taught.get(f.name))
            scorer = fitted.scorer(field_scorer(f, candidates))
            out.append(
                Choice(
                    f"{p.corpus}/{doc.issuer}",
                    f.name,
                    [scorer.score(c.features) for c in candidates],
                    [[c.features.get(n, 0.0) for n in FEATURES] for c in candidates],
                    [real_corpora.field_right(f.name, truths[f.name], c.value) for c in candidates],
                )
            )
    return out


def fit(data: list[Choice], l2: float) -> list[float]:
    """The example features' weights that make each document's right candidates most likely, the extraction's
    own score held as an offset (a conditional logit, L2-penalised)."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    documents = []
    for c in data:
        right = np.asarray(c.right, dtype=bool)
        if right.any() and not right.all():
            documents.append((np.asarray(c.base), np.asarray(c.taught, dtype=float), right))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.5 * l2 * float(w @ w), l2 * w
        for base, taught, right in documents:
            scores = base + taught @ w
            every, chosen = logsumexp(scores), logsumexp(scores[right])
            total += every - chosen
            gradient = gradient + np.exp(scores - every) @ taught - np.exp(scores[right] - chosen) @ taught[right]
        return total, gradient

    weights = np.zeros(len(FEATURES))
    if documents:
        weights = minimize(loss, weights, jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x
    return [float(w) for w in weights]


def _scores(c: Choice, weights: list[float]) -> list[float]:
    return [b + sum(w * x for w, x in zip(weights, t, strict=True)) for b, t in zip(c.base, c.taught, strict=True)]


def _chosen_right(c: Choice, weights: list[float]) -> bool:
    if not c.base:
        return False
    scores = _scores(c, weights)
    return c.right[max(range(len(scores)), key=scores.__getitem__)]


def _log_likelihood(c: Choice, weights: list[float]) -> float:
    scores = _scores(c, weights)
    if not any(c.right) or all(c.right):
        return 0.0
    top = max(scores)
    every = top + math.log(sum(math.exp(s - top) for s in scores))
    chosen = top + math.log(sum(math.exp(s - top) for s, r in zip(scores, c.right, strict=True) if r))
    return chosen - every


def folds(data: list[Choice]) -> list[tuple[list[Choice], list[Choice]]]:
    groups = sorted({c.group for c in data})
    return [
        (
            [c for c in data if groups.index(c.group) % FOLDS != k],
            [c for c in data if groups.index(c.group) % FOLDS == k],
        )
        for k in range(FOLDS)
    ]


def cross_validated(data: list[Choice]) -> tuple[float, dict[float, float], list[tuple[Choice, bool]]]:
    """The L2 strength with the best held-out log-likelihood, each strength's, and each choice held out."""
    by_l2: dict[float, float] = {}
    held: dict[float, list[tuple[Choice, bool]]] = {}
    for l2 in L2_GRID:
        total, outcomes = 0.0, []
        for train, test in folds(data):
            weights = fit(train, l2)
            total += sum(_log_likelihood(c, weights) for c in test)
            outcomes += [(c, _chosen_right(c, weights)) for c in test]
        by_l2[l2], held[l2] = total, outcomes
    best = max(by_l2, key=by_l2.__getitem__)
    return best, by_l2, held[best]


def run_fit(pages_of: Pages) -> None:
    data = [
        c
        for corpus in real_corpora.CORPORA
        if real_corpora.available(corpus)
        for c in choices(project(corpus, pages_of), pages_of)
    ]
    best, by_l2, held = cross_validated(data)
    weights = fit(data, best)
    print(f"{len(data)} (document, field) choices with examples; L2 by held-out log-likelihood:")
    for l2, ll in by_l2.items():
        print(f"  L2 {l2:<6} log-likelihood {ll:9.2f}{'  ← kept' if l2 == best else ''}")
    by_field: dict[str, list[Tally]] = defaultdict(lambda: [Tally(), Tally(), Tally()])
    for c, ok in held:
        corpus = c.group.split("/")[0]
        tallies = by_field[f"{corpus} {c.field}"]
        tallies[0].add(_chosen_right(c, [0.0] * len(FEATURES)))
        tallies[1].add(_chosen_right(c, weights))
        tallies[2].add(ok)
    print(f"{'corpus field':<36}{'before':>16}{'fitted':>16}{'cross-validated':>18}")
    for name, (before, fitted, cv) in sorted(by_field.items()):
        print(f"{name:<36}{before!s:>16}{fitted!s:>16}{cv!s:>18}")
    LEARNED_WEIGHTS_FILE.write_text(
        json.dumps(
            {
                "format": FORMAT,
                "fitted_by": "python -m bench.corrections --fit",
                "l2": best,
                "choices": len(data),
                "weights": {name: round(w, 6) for name, w in zip(FEATURES, weights, strict=True)},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print("weights:", {name: round(w, 3) for name, w in zip(FEATURES, weights, strict=True)})
    print(f"written to {LEARNED_WEIGHTS_FILE}")


def table(pages_of: Pages) -> None:
    print(f"{'corpus':<20}{'field':<14}{'documents':<11}{'before':>16}{'after':>16}{'after, printed':>16}")
    totals = (Tally(), Tally(), Tally())
    for corpus in real_corpora.CORPORA:
        if not real_corpora.available(corpus):
            print(f"{corpus}: not found under {real_corpora.CORPORA_DIR}")
            continue
        p = project(corpus, pages_of)
        for (kind, name), (before, after, printed) in sorted(accuracy(p, pages_of).items()):
            print(f"{corpus:<20}{name:<14}{kind:<11}{before!s:>16}{after!s:>16}{printed!s:>16}")
            if kind == "following":
                for k, tally in enumerate((before, after, printed)):
                    totals[k].right += tally.right
                    totals[k].total += tally.total
    print(f"{'every corpus':<20}{'every field':<14}{'following':<11}" + "".join(f"{t!s:>16}" for t in totals))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="fit the example features' weights")
    args = parser.parse_args()
    cache = default_engine_cache()
    if args.fit:
        run_fit(cache.pages)
    table(cache.pages)


if __name__ == "__main__":
    main()
