"""Fits the extraction's scorers and its confidence calibration on the real development corpora, and writes
them to services/worker/extraction/weights.json (`python -m bench.extraction --fit`).

For every document and every field with ground truth, the extraction's own candidates (with their features)
are labelled right or wrong against the truth. One logistic model per scorer (total, date, issuer,
identifier, currency, and `label`, fitted on every labelled value with the features any field has) is
fitted with scikit-learn on standardised features; its regularisation is chosen by cross-validation. Folds
are grouped by issuer (scikit-learn's GroupKFold): no shop or invoice layout is on both sides of a fold, so
the cross-validated figures say how the scorers do on issuers they were not fitted on. Confidence is a
logistic model over the winner's log-odds, its lead and OCR's confidence, fitted on the out-of-fold winners.
The file records a hash of every document's inputs, so a test can tell whether the committed weights were
fitted on what the code computes now.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.extraction import read_context
from services.worker.extraction.candidates import Candidate
from services.worker.extraction.fields import field_candidates, field_scorer, other_labels, ranked
from services.worker.extraction.scoring import FORMAT, WEIGHTS_FILE, Calibration, Scorer, shares
from tests.support import real_corpora

FOLDS = 5
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # inverse regularisation strengths tried; the cross-validated best is kept
# Features of the scorer fitted on every labelled value: what any label rule knows, whatever its field.
GENERIC = (
    "page_position",
    "line_height",
    "ocr_confidence",
    "repeated",
    "label_similarity",
    "label_words",
    "label_starts_row",
    "right_of_label",
    "value_rank_after_label",
    "several_values_on_row",
    "lower_right_of_label",
    "below_label",
    "rows_below_label",
    "written_cleanly",
)


@dataclass
class Example:
    """One document's candidates for one field, labelled against the truth."""

    corpus: str
    document: str
    group: str  # the issuer: never on both sides of a fold
    field: str
    scorer: str
    features: list[dict[str, float]]
    right: list[bool]
    values: list[Any]
    ocr: list[float]


@dataclass
class Fitted:
    """A scorer as fitted (the one the workers read), with the regularisation it was fitted with."""

    scorer: Scorer
    c: float

    def score(self, features: dict[str, float]) -> float:
        return self.scorer.score(features)

    def as_json(self) -> dict[str, Any]:
        return {
            "features": list(self.scorer.features),
            "mean": [round(v, 6) for v in self.scorer.mean],
            "scale": [round(v, 6) for v in self.scorer.scale],
            "weights": [round(v, 6) for v in self.scorer.weights],
            "C": self.c,
        }


def _truths(doc: real_corpora.RealDocument) -> dict[str, Any]:
    return {name: value for name, value in doc.truth.items() if name != "lineItems" and value is not None}


def examples(
    docs: Iterable[real_corpora.RealDocument], pages_of: Callable[[bytes], list[common_pb2.Page]]
) -> list[Example]:
    """Every labelled field's candidates on every document, right or wrong by the corpus's truth."""
    out = []
    for doc in docs:
        template = BUILTIN_TEMPLATES[doc.template]
        context = read_context(pages_of(doc.data))
        labelled = [f for f in template.fields if f.rule.WhichOneof("kind") == "label"]
        truths = _truths(doc)
        for f in labelled:
            if f.name not in truths:
                continue
            candidates = field_candidates(f, other_labels(template, f.name), context)
            key = field_scorer(f, candidates)
            out.append(
                Example(
                    doc.corpus,
                    doc.name,
                    f"{doc.corpus}/{doc.issuer}",
                    f.name,
                    key,
                    [dict(c.features) for c in candidates],
                    [real_corpora.field_right(f.name, truths[f.name], c.value) for c in candidates],
                    [c.value for c in candidates],
                    [c.row.confidence for c in candidates],
                )
            )
    return out


def _document_key(e: Example) -> str:
    """A document as the weights file names it: a hash of its corpus and file name, so that the repository
    names no corpus file (nor the shop a file name may carry)."""
    return hashlib.sha256(f"{e.corpus}/{e.document}".encode()).hexdigest()[:12]


def document_hashes(data: list[Example]) -> dict[str, str]:
    """A hash of each document's inputs to the fit, by document: every candidate's value, whether it is right
    and which features it has. Not the features' values: those follow OCR's confidences and boxes, which move
    a little between CPUs (bfloat16 or not), while a change to the extraction's candidates or features changes
    what this hashes."""
    by_document: dict[str, list[Any]] = defaultdict(list)
    for e in data:
        candidates = sorted(
            [str(v), r, sorted(n for n, x in f.items() if x)]
            for v, r, f in zip(e.values, e.right, e.features, strict=True)
        )
        by_document[_document_key(e)].append([e.field, candidates])
    return {
        name: hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16]
        for name, rows in sorted(by_document.items())
    }


def inputs_hash(hashes: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def _matrix(data: list[Example], names: list[str]) -> list[list[float]]:
    """Every candidate's features, in the order of `names`."""
    return [[features.get(n, 0.0) for n in names] for e in data for features in e.features]


def _balanced(keys: list[tuple[str, Hashable]]) -> list[float]:
    """A weight per (corpus, issuer) row: each issuer counts once, however many of its documents a corpus holds
    (the scorers are for issuers they have not seen, not for the few a corpus has many of), and each corpus
    alike, however many issuers it holds (the corpora come from different countries). They sum to len(keys)."""
    per_issuer: dict[tuple[str, Hashable], int] = defaultdict(int)
    issuers: dict[str, set[Hashable]] = defaultdict(set)
    for corpus, issuer in keys:
        per_issuer[(corpus, issuer)] += 1
        issuers[corpus].add(issuer)
    per_corpus = {corpus: len(keys) / len(found) / len(issuers) for corpus, found in issuers.items()}
    return [per_corpus[corpus] / per_issuer[(corpus, issuer)] for corpus, issuer in keys]


def _fit(data: list[Example], names: list[str], c: float) -> Fitted:
    """A conditional logit: the weights that make each document's right candidates most likely among its
    candidates (a softmax over the document's candidates, L2-penalised with strength 1/c), fitted by L-BFGS on
    standardised features. It learns to rank a document's candidates, which is the choice extraction makes."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    x = np.asarray(_matrix(data, names), dtype=float).reshape(-1, len(names))
    mean = x.mean(axis=0) if len(x) else np.zeros(len(names))
    scale = x.std(axis=0) if len(x) else np.ones(len(names))
    scale[scale < 1e-9] = 1.0
    documents = []
    for e, weight in zip(data, _balanced([(e.corpus, e.group) for e in data]), strict=True):
        right = np.asarray(e.right, dtype=bool)
        if right.any() and not right.all():  # all right or all wrong: nothing to rank
            features = (np.asarray([[f.get(n, 0.0) for n in names] for f in e.features], dtype=float) - mean) / scale
            documents.append((features, right, weight))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.5 / c * float(w @ w), w / c
        for features, right, weight in documents:
            scores = features @ w
            every, chosen = logsumexp(scores), logsumexp(scores[right])
            total += weight * (every - chosen)
            gradient = gradient + weight * (np.exp(scores - every) @ features)
            gradient = gradient - weight * (np.exp(scores[right] - chosen) @ features[right])
        return total, gradient

    weights = np.zeros(len(names))
    if documents:
        weights = minimize(loss, weights, jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x
    scorer = Scorer("", tuple(names), tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, weights)))
    return Fitted(scorer, c)


def _winner(e: Example, fitted: Fitted) -> tuple[bool, float, float | None, float, Any] | None:
    """(right, winner's share, its lead over the runner-up, OCR confidence, value) as the extraction chooses."""
    candidates = [Candidate(v, None, 0, 0, "", None, f) for v, f in zip(e.values, e.features, strict=True)]  # type: ignore[arg-type]
    if not candidates:
        return None
    for candidate in candidates:
        candidate.score = fitted.score(candidate.features)
    ordered = ranked(candidates)
    k = next(i for i, c in enumerate(candidates) if c is ordered[0])
    share = shares([c.score for c in ordered])[0]
    lead = ordered[0].score - ordered[1].score if len(ordered) > 1 else None
    return e.right[k], share, lead, e.ocr[k], e.values[k]


def _folds(data: list[Example]) -> list[tuple[list[Example], list[Example]]]:
    from sklearn.model_selection import GroupKFold

    groups = [e.group for e in data]
    splitter = GroupKFold(n_splits=FOLDS)
    return [
        ([data[i] for i in train], [data[i] for i in test])
        for train, test in splitter.split(list(range(len(data))), groups=groups)
    ]


def _feature_names(data: list[Example], key: str) -> list[str]:
    seen = {n for e in data for f in e.features for n, v in f.items() if v}
    return sorted(seen & set(GENERIC)) if key == "label" else sorted(seen)


def _scorer_data(data: list[Example], key: str) -> list[Example]:
    if key != "label":
        return [e for e in data if e.scorer == key]
    # every labelled value of every field, labelled candidates only (heading guesses, dates without a label
    # and derived totals are their roles' and types' own)
    out = []
    for e in data:
        keep = [k for k, f in enumerate(e.features) if f.get("labelled")]
        if keep:
            out.append(
                Example(
                    e.corpus,
                    e.document,
                    e.group,
                    e.field,
                    "label",
                    [e.features[k] for k in keep],
                    [e.right[k] for k in keep],
                    [e.values[k] for k in keep],
                    [e.ocr[k] for k in keep],
                )
            )
    return out


@dataclass
class Report:
    fitted_right: dict[tuple[str, str], list[bool]] = field(default_factory=lambda: defaultdict(list))
    cv_right: dict[tuple[str, str], list[bool]] = field(default_factory=lambda: defaultdict(list))
    reachable: dict[tuple[str, str], list[bool]] = field(default_factory=lambda: defaultdict(list))
    cv_confidence: list[tuple[str, float, bool]] = field(default_factory=list)  # scorer, confidence, right
    chosen_c: dict[str, float] = field(default_factory=dict)


def _held_out(
    data: list[Example], names: list[str], c: float
) -> tuple[dict[int, tuple[bool, float, float | None, float, Any]], dict[int, float]]:
    """Out-of-fold winners, and the out-of-fold log-likelihood of each example's right candidates (the
    probability the scorer's softmax gives them, for examples that have one)."""
    winners, likelihood = {}, {}
    index = {id(e): k for k, e in enumerate(data)}
    for train, test in _folds(data):
        fitted = _fit(train, names, c)
        for e in test:
            won = _winner(e, fitted)
            if won is not None:
                winners[index[id(e)]] = won
            if any(e.right):
                scores = [fitted.score(f) for f in e.features]
                top = max(scores)
                every = math.log(sum(math.exp(x - top) for x in scores))
                right = math.log(sum(math.exp(x - top) for x, r in zip(scores, e.right, strict=True) if r))
                likelihood[index[id(e)]] = right - every
    return winners, likelihood


def _calibration_rows(
    data: list[Example], oof: dict[int, tuple[bool, float, float | None, float, Any]]
) -> Iterable[tuple[str, str, list[float], int]]:
    for k, e in enumerate(data):
        if k in oof:
            right, share, lead, ocr, _ = oof[k]
            yield e.group, e.scorer, Calibration.inputs(share, lead, ocr), int(right)


def _fit_calibration(rows: list[tuple[str, str, list[float], int]]) -> Calibration:
    """The logistic model of a winner being right, over its share, lead and OCR confidence, with an intercept
    per scorer (a one-hot column each, no common intercept). Rows are weighed much as the scorers' fit weighs
    documents (`_balanced`), so that the country whose corpus is largest and read best does not set how sure a
    field is everywhere: each issuer's field once, and each corpus by its issuers, not its documents — a corpus
    whose issuers have more fields (receipts-world-dev's currency) weighs that much more. (Weighing each
    corpus exactly alike, as `_balanced` does, let more wrong world receipts through unflagged: 9 of 35 against
    6 of 32.)"""
    from sklearn.linear_model import LogisticRegression

    scorers = sorted({r[1] for r in rows})
    x = [r[2] + [float(r[1] == s) for s in scorers] for r in rows]
    per_field: dict[tuple[str, str], int] = defaultdict(int)
    issuers: dict[str, set[str]] = defaultdict(set)
    for group, scorer, _, _ in rows:
        per_field[(group, scorer)] += 1
        issuers[group.split("/")[0]].add(group)
    per_corpus = {corpus: len(rows) / len(groups) / len(issuers) for corpus, groups in issuers.items()}
    weights = [per_corpus[group.split("/")[0]] / per_field[(group, scorer)] for group, scorer, _, _ in rows]
    model = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False)
    model.fit(x, [r[3] for r in rows], sample_weight=weights)
    coefficients = [float(v) for v in model.coef_[0]]
    intercepts = dict(zip(scorers, coefficients[3:], strict=True))
    return Calibration(*coefficients[:3], intercepts)


def _corpus_mean_likelihood(data: list[Example], likelihood: dict[int, float]) -> float:
    """The cross-validated log-likelihood of the right values, per document, averaged in each corpus and then
    over the corpora: what the regularisation is chosen on (the scores are to be probabilities, not only a
    ranking, since confidence is made from them), so that no corpus's country outweighs the others'."""
    by_corpus: dict[str, list[float]] = defaultdict(list)
    for k, e in enumerate(data):
        if k in likelihood:
            by_corpus[e.corpus].append(likelihood[k])
    return sum(sum(v) / len(v) for v in by_corpus.values()) / max(len(by_corpus), 1)


def fit(data: list[Example]) -> tuple[dict[str, Any], Report]:
    """The weights file's content, and the figures to report."""
    from sklearn.model_selection import GroupKFold

    report = Report()
    scorers: dict[str, Any] = {}
    calibration_rows: list[tuple[str, str, list[float], int]] = []
    keys = sorted({e.scorer for e in data} | {"label"})
    for key in keys:
        subset = _scorer_data(data, key)
        if not subset:
            continue
        names = _feature_names(subset, key)
        held_out = {c: _held_out(subset, names, c) for c in C_GRID}
        best_c = max(C_GRID, key=lambda c: _corpus_mean_likelihood(subset, held_out[c][1]))  # the first on a tie
        report.chosen_c[key] = best_c
        final = _fit(subset, names, best_c)
        scorers[key] = final.as_json() | {"documents": len({(e.corpus, e.document) for e in subset})}
        if key == "label":
            continue  # the fields' own scorers are what the built-in templates use and report
        oof = held_out[best_c][0]
        for k, e in enumerate(subset):
            where = (e.corpus, e.field)
            won = _winner(e, final)
            report.fitted_right[where].append(bool(won and won[0]))
            report.cv_right[where].append(bool(k in oof and oof[k][0]))
            report.reachable[where].append(any(e.right))
        calibration_rows += list(_calibration_rows(subset, oof))
    calibration = _fit_calibration(calibration_rows)
    # the calibration's own cross-validated figures: fitted on the other folds' winners, applied to this fold's
    groups = [r[0] for r in calibration_rows]
    for train, test in GroupKFold(n_splits=FOLDS).split(calibration_rows, groups=groups):
        fold = _fit_calibration([calibration_rows[i] for i in train])
        for i in test:
            _, scorer, inputs, right = calibration_rows[i]
            report.cv_confidence.append((scorer, fold.probability(scorer, inputs), bool(right)))
    hashes = document_hashes(data)
    weights = {
        "format": FORMAT,
        "fitted_by": "python -m bench.extraction --fit",
        "scikit_learn": version("scikit-learn"),
        "inputs": {"documents": len(hashes), "sha256": inputs_hash(hashes), "per_document": hashes},
        "folds": {"k": FOLDS, "grouped_by": "issuer"},
        "scorers": scorers,
        "calibration": {name: round(getattr(calibration, name), 6) for name in Calibration.FIELDS}
        | {"intercepts": {name: round(v, 6) for name, v in calibration.intercepts.items()}},
    }
    return weights, report


def write(weights: dict[str, Any]) -> None:
    WEIGHTS_FILE.write_text(json.dumps(weights, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def print_report(report: Report) -> None:
    print(f"\n{'corpus':<20}{'field':<15}{'docs':>5}{'reachable':>11}{'fitted set':>12}{'cross-val':>11}")
    for where in sorted(report.cv_right):
        cv, fitted, reach = report.cv_right[where], report.fitted_right[where], report.reachable[where]
        print(
            f"{where[0]:<20}{where[1]:<15}{len(cv):>5}{sum(reach) / len(reach):>11.3f}"
            f"{sum(fitted) / len(fitted):>12.3f}{sum(cv) / len(cv):>11.3f}"
        )
    confident = [right for _, p, right in report.cv_confidence if p >= real_corpora.CONFIDENT]
    if confident:
        print(
            f"cross-validated confidence ≥ {real_corpora.CONFIDENT}: {sum(confident)}/{len(confident)} right "
            f"({sum(confident) / len(confident):.3f}) of {len(report.cv_confidence)} fields; by scorer: "
            + ", ".join(
                f"{key} {sum(r for k, p, r in report.cv_confidence if k == key and p >= real_corpora.CONFIDENT)}/"
                f"{sum(1 for k, p, _ in report.cv_confidence if k == key and p >= real_corpora.CONFIDENT)}"
                for key in sorted({k for k, _, _ in report.cv_confidence})
            )
        )
    print("regularisation chosen (C):", ", ".join(f"{k} {c}" for k, c in sorted(report.chosen_c.items())))
