"""Which header lines the `fast` quality reads again: a logistic model, over features of the tiny reading alone (no
second model runs to decide), of the chance that the small recogniser would read the line differently.

Fitted on the header lines of the real receipt corpora by `python -m bench.reread_gate_fit`, which writes
reread_gate.json: the features' means, scales and weights, and the threshold — the fewest re-reads whose
cross-validated field accuracy (folds grouped by issuer) stays within 2 points of re-reading every header line.
Read here with no learning library at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.worker.engine.inverted import median_line_height
from services.worker.engine.port import Box, OcrLine

GATE_FILE = Path(__file__).with_name("reread_gate.json")
# characters the recognisers confuse with one another on receipts (a digit and the letter it looks like)
CONFUSABLE = frozenset("0OoQD1lIi|5Ss8B2Zz6G")
UNSURE_FLOOR = 1e-4  # the unsure share is kept off 0 so its log stays finite
LENGTH_CAP = 40  # characters: receipts print ~40 a line; a longer read is a merged line, no likelier to change
_DIGIT_BESIDE_LETTER = re.compile(r"(?<=[A-Za-z])\d|\d(?=[A-Za-z])")

FEATURES = (
    "unsure",  # 1 − the tiny recogniser's confidence in the line
    "log_unsure",  # its log: confidences of 0.99 and 0.999 differ more than 0.5 and 0.509
    "characters_per_height",  # characters read per box height of width: a dropped or doubled character shows
    "confusable_share",  # of its characters, those with a look-alike
    "digits_beside_letters",  # per character: "2O18", "S0"
    "height_against_median",  # the box's height against the page's median line height (names print large)
    "length",  # characters, up to LENGTH_CAP, over LENGTH_CAP
    "punctuation_share",  # of its characters, neither letters, digits nor spaces
)


def _bounds(box: Box) -> tuple[float, float]:
    xs, ys = [x for x, _ in box], [y for _, y in box]
    return max(xs) - min(xs), max(1.0, max(ys) - min(ys))


def median_height(lines: list[OcrLine]) -> float:
    """The page's median line height in pixels (1 for a page with no lines)."""
    return median_line_height(lines) or 1.0


def features(line: OcrLine, page_median_height: float) -> tuple[float, ...]:
    """The line's gate features, in FEATURES order."""
    text, count = line.text, max(1, len(line.text))
    width, height = _bounds(line.box) if line.box else (1.0, 1.0)
    unsure = 1.0 - line.confidence
    return (
        unsure,
        math.log(max(UNSURE_FLOOR, unsure)),
        len(text) / max(1.0, width / height),
        sum(c in CONFUSABLE for c in text) / count,
        len(_DIGIT_BESIDE_LETTER.findall(text)) / count,
        height / max(1.0, page_median_height),
        min(len(text), LENGTH_CAP) / LENGTH_CAP,
        sum(not c.isalnum() and not c.isspace() for c in text) / count,
    )


@dataclass(frozen=True)
class ReReadGate:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float  # re-read a line whose chance of reading differently is at least this

    def chance(self, line: OcrLine, page_median_height: float) -> float:
        """The fitted chance that the small recogniser reads the line differently."""
        z = self.intercept + sum(
            w * (v - m) / s
            for v, m, s, w in zip(features(line, page_median_height), self.mean, self.scale, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def wanted(self, line: OcrLine, page_median_height: float) -> bool:
        return self.chance(line, page_median_height) >= self.threshold


@lru_cache(maxsize=1)
def gate_digest() -> str:
    """The first 8 hex digits of the fitted file's SHA-256."""
    return hashlib.sha256(GATE_FILE.read_bytes()).hexdigest()[:8]


@lru_cache(maxsize=1)
def fitted_gate() -> ReReadGate:
    data = json.loads(GATE_FILE.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError(f"{GATE_FILE.name} was fitted on other features: refit with python -m bench.reread_gate_fit")
    return ReReadGate(
        mean=tuple(data["mean"]),
        scale=tuple(data["scale"]),
        weights=tuple(data["weights"]),
        intercept=float(data["intercept"]),
        threshold=float(data["threshold"]),
    )
