"""Fits the gate that decides which header lines the `fast` quality reads again (services/worker/engine/
reread_gate.py) and writes services/worker/engine/reread_gate.json.

From bench/fast_routes.py's readings (the tiny pair's reading of every page of sroie-dev and receipts-world-dev,
and the small recogniser's reading of each of its lines): every header line is labelled by whether the small
recogniser reads it differently (spacing and case aside), and a logistic model over the tiny reading's own
features is fitted to that (scikit-learn, the `dev` extra; its penalty the best of a few by cross-validated log
loss). Folds are grouped by issuer (GroupKFold, 5), and each line's out-of-fold chance decides the routes scored:
for each threshold, the header lines at or above it are read again (and, as `fast` does whatever the gate says,
every line that looks like a date), and the built-in receipt template's fields are scored on the result. The
threshold kept is the highest (fewest re-reads) whose fields all stay within MAX_LOSS of re-reading every header
line (with the date lines: route HT), on each corpus.

Usage: python -m bench.reread_gate_fit [--write]   (without --write: the table only)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.fast_routes import as_ocr, careful_reading, readings
from ocrbatch.v1 import common_pb2
from services.worker.engine.fast import header_lines, looks_like_date
from services.worker.engine.rapidocr_engine import DET_MAX_SIDE
from services.worker.engine.reread_gate import FEATURES, GATE_FILE, features, median_height
from tests.support import real_corpora

CORPORA = ("sroie-dev", "receipts-world-dev")
# The bound for the fast quality: every field within 2 points of what it is compared with (here, of
# re-reading the whole header, which the gate only thins).
MAX_LOSS = 0.02
THRESHOLDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
PENALTIES = (0.1, 1.0, 10.0)


@dataclass
class HeaderLine:
    corpus: str
    issuer: str
    where: tuple[str, int, int]  # document digest, page, line
    features: tuple[float, ...]
    differs: bool


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a).casefold() == re.sub(r"\s+", "", b).casefold()


def header_dataset(read: dict[str, dict[str, dict[str, Any]]]) -> list[HeaderLine]:
    out = []
    for corpus in CORPORA:
        for doc in real_corpora.load(corpus):
            digest = hashlib.sha256(doc.path.read_bytes()).hexdigest()
            kept = read[corpus][digest]
            for number, data in enumerate(kept["pages"]):
                page = common_pb2.Page.FromString(data)
                lines = [as_ocr(line) for line in page.lines]
                median = median_height(lines)
                for i in header_lines(lines, page.height):
                    again = careful_reading(kept, page.lines[i])
                    if again is None:
                        continue
                    differs = bool(again[0].strip()) and not _same(again[0], page.lines[i].text)
                    out.append(HeaderLine(corpus, doc.issuer, (digest, number, i), features(lines[i], median), differs))
    return out


def route(
    corpus: str, kept_by_digest: dict[str, dict[str, Any]], reread: Callable[[tuple[str, int, int]], bool]
) -> tuple[float, dict[str, float]]:
    """The share of lines read again and each field's accuracy when the lines `reread` names are read again."""
    counts = [0, 0]

    def pages_of(data: bytes) -> list[common_pb2.Page]:
        digest = hashlib.sha256(data).hexdigest()
        kept = kept_by_digest[digest]
        pages = [common_pb2.Page.FromString(b) for b in kept["pages"]]
        for number, page in enumerate(pages):
            counts[1] += len(page.lines)
            for i, line in enumerate(page.lines):
                # the date lines fast reads again whatever the gate says
                wanted = reread((digest, number, i)) or looks_like_date(line.text)
                again = careful_reading(kept, line) if wanted else None
                if again and again[0].strip():
                    counts[0] += 1
                    line.text, line.confidence = again
        return pages

    scores = real_corpora.score(real_corpora.load(corpus), pages_of)
    return counts[0] / max(1, counts[1]), {name: t.accuracy for name, t in scores.fields.items()}


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {GATE_FILE.name}")
    args = parser.parse_args()
    read = {c: readings(real_corpora.load(c), DET_MAX_SIDE) for c in CORPORA}
    data = header_dataset(read)
    x = np.array([d.features for d in data])
    y = np.array([d.differs for d in data])
    groups = np.array([f"{d.corpus}:{d.issuer}" for d in data])
    folds = list(GroupKFold(5).split(x, y, groups))
    scaler = StandardScaler().fit(x)

    def out_of_fold(penalty: float) -> np.ndarray:
        chance = np.zeros(len(y))
        for fitted, scored in folds:
            scale = StandardScaler().fit(x[fitted])
            model = LogisticRegression(C=penalty, max_iter=5000).fit(scale.transform(x[fitted]), y[fitted])
            chance[scored] = model.predict_proba(scale.transform(x[scored]))[:, 1]
        return chance

    losses = {c: log_loss(y, out_of_fold(c)) for c in PENALTIES}
    penalty = min(losses, key=lambda c: losses[c])
    chance = out_of_fold(penalty)
    by_line = {d.where: p for d, p in zip(data, chance, strict=True)}
    auc, auc_confidence = roc_auc_score(y, chance), roc_auc_score(y, x[:, FEATURES.index("unsure")])
    print(f"{len(y)} header lines, {y.mean():.3f} read differently by the small recogniser; penalty C={penalty}")
    print(f"cross-validated AUC {auc:.3f} (the tiny recogniser's confidence alone: {auc_confidence:.3f})")

    baseline = {c: route(c, read[c], lambda where: where in by_line) for c in CORPORA}
    table, kept = [], 0.0
    print(f"{'threshold':>9}  " + "  |  ".join(CORPORA))
    for threshold in (0.0, *THRESHOLDS):
        results = {c: route(c, read[c], lambda where, t=threshold: by_line.get(where, -1.0) >= t) for c in CORPORA}
        within = all(
            acc >= baseline[c][1][name] - MAX_LOSS - 1e-9 for c in CORPORA for name, acc in results[c][1].items()
        )
        if within:
            kept = max(kept, threshold)
        cells = [f"share {s:.3f} " + " ".join(f"{n} {a:.3f}" for n, a in f.items()) for s, f in results.values()]
        print(f"{threshold:>9}  " + "  |  ".join(cells) + ("" if within else "   (loses more than 2 points)"))
        table.append({"threshold": threshold, **{c: {"share": s, **f} for c, (s, f) in results.items()}})
    print(f"kept threshold {kept}")

    model = LogisticRegression(C=penalty, max_iter=5000).fit(scaler.transform(x), y)
    fitted = {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in scaler.mean_],
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "weights": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": kept,
        "fit": {
            "corpora": list(CORPORA),
            "header_lines": len(y),
            "read_differently": round(float(y.mean()), 4),
            "penalty": penalty,
            "cross_validated_auc": round(float(auc), 4),
            "routes_cross_validated": table,
        },
    }
    if args.write:
        GATE_FILE.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {GATE_FILE}")


if __name__ == "__main__":
    main()
