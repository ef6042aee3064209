"""Candidate scores and confidence from weights fitted on real documents (`python -m bench.extraction --fit`),
read from weights.json with no learning library at run time.

A scorer is a linear model over a candidate's named features (standardised with the fitted means and
scales), fitted as a conditional logit: the softmax of the scores of a document's candidates is how likely
each is the field's value, so a candidate's `share` is its part of that softmax among the document's
values. Which scorer a field uses depends on its role and type (scorer_key). Confidence is a small logistic
model fitted on the cross-validated folds' winners, over the winner's share, its lead over the runner-up and
OCR's confidence in its line: the chance that the winning value is right.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

WEIGHTS_FILE = Path(__file__).with_name("weights.json")
FORMAT = 2
LEAD_CAP = 10.0  # a lead of this many points of score (or no rival at all) is as sure as a lead gets
SHARE_FLOOR = 1e-6  # shares are kept off 0 and 1 so their log-odds stay finite


@dataclass(frozen=True)
class Scorer:
    name: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]

    def terms(self, features: dict[str, float]) -> list[tuple[str, float]]:
        """Each feature's part of the score (its standardised value × its weight)."""
        return [
            (name, weight * (features.get(name, 0.0) - mean) / scale)
            for name, mean, scale, weight in zip(self.features, self.mean, self.scale, self.weights, strict=True)
        ]

    def contributions(self, features: dict[str, float]) -> list[tuple[str, float]]:
        """The part of the score of each feature the candidate has, against a typical candidate (standardised
        value × weight): what a person can read as "this counted for it, that against it"."""
        return [(name, term) for name, term in self.terms(features) if features.get(name)]

    def score(self, features: dict[str, float]) -> float:
        return sum(term for _, term in self.terms(features))


def shares(scores: list[float]) -> list[float]:
    """The softmax of a document's best score per value: how likely each value is, by the scorer."""
    if not scores:
        return []
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    return [w / total for w in weights]


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))


@dataclass(frozen=True)
class Calibration:
    """P(the winner is right) = σ(a·logit(share) + b·lead + c·OCR confidence + d[scorer]): one intercept per
    scorer, since fields differ in how often their best candidate is right (a total more often than a name)."""

    FIELDS: ClassVar[tuple[str, ...]] = ("share", "lead", "ocr")
    share: float
    lead: float
    ocr: float
    intercepts: dict[str, float]

    @staticmethod
    def inputs(share: float, lead: float | None, ocr_confidence: float) -> list[float]:
        share = min(max(share, SHARE_FLOOR), 1 - SHARE_FLOOR)
        return [math.log(share / (1 - share)), LEAD_CAP if lead is None else min(lead, LEAD_CAP), ocr_confidence]

    def probability(self, scorer: str, inputs: list[float]) -> float:
        intercept = self.intercepts.get(scorer, self.intercepts.get("label", 0.0))
        return sigmoid(self.share * inputs[0] + self.lead * inputs[1] + self.ocr * inputs[2] + intercept)

    def confidence(self, scorer: str, share: float, lead: float | None, ocr_confidence: float) -> float:
        return self.probability(scorer, self.inputs(share, lead, ocr_confidence))


@dataclass(frozen=True)
class Model:
    scorers: dict[str, Scorer]
    calibration: Calibration

    def scorer(self, key: str) -> Scorer:
        return self.scorers.get(key) or self.scorers["label"]


def scorer_key(kind: str, role: str) -> str:
    """The scorer of a field: its role's (total, issuer; a legal name is scored as an issuer), else its type's
    where one was fitted (date, identifier, currency), else the one fitted on every labelled value (label)."""
    if role == "legal_name":
        return "issuer"
    return role or (kind if kind in ("date", "identifier", "currency") else "label")


def model_from(data: dict[str, Any]) -> Model:
    if data.get("format") != FORMAT:
        raise ValueError(f"{WEIGHTS_FILE.name}: format {data.get('format')!r}, expected {FORMAT}: refit it")
    scorers = {
        name: Scorer(name, tuple(s["features"]), tuple(s["mean"]), tuple(s["scale"]), tuple(s["weights"]))
        for name, s in data["scorers"].items()
    }
    c = data["calibration"]
    intercepts = {name: float(value) for name, value in c["intercepts"].items()}
    return Model(scorers, Calibration(*(float(c[name]) for name in Calibration.FIELDS), intercepts))


@lru_cache(maxsize=1)
def model() -> Model:
    """The fitted model the workers score with (read once per process)."""
    return model_from(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))
