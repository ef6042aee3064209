"""Classification and portfolio splitting, measured on files made by concatenating real documents.

  python -m bench.portfolio            # cross-validated figures (folds grouped by issuer)
  python -m bench.portfolio --fit      # refit services/worker/classification_weights.json on every document

Documents: the development corpora's receipts (sroie-dev, receipts-world-dev) and invoices (invoices-dev), read
once by the workers' engine (OCR cache, tests/support/ocr_cache.py); pages with none of those types: the API
reference documents in ../shared/reference (prose written by others), set as text pages; and generated invoices
of two or three pages (text PDFs; the only multi-page documents, since every real one has a single page), half
numbered "Page k of n", half only repeating their invoice number.

A portfolio is a shuffle of held-out documents, two to six at a time, their pages concatenated in one file, as a
client's PDF of several documents gives them to the worker. A part is right when one found part has the same
first and last page and the same type. The scorer is fitted on the other folds' documents (GroupKFold by issuer:
no shop, invoice layout or reference page is on both sides), so the figures are for issuers it never saw.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker import classification
from services.worker.classification import (
    FEATURES,
    UNKNOWN,
    Candidate,
    Scorer,
    amount_rows,
    classify,
    evidence,
)
from services.worker.documents import Limits
from services.worker.pipeline import read_document
from tests.support import real_corpora
from tests.support.documents import text_pdf_bytes
from tests.support.ocr_cache import default_engine_cache

FOLDS = 5
C_GRID = (
    0.3,
    1.0,
    3.0,
    10.0,
    30.0,
    100.0,
    300.0,
    1000.0,
)  # inverse regularisation strengths tried; the cross-validated best is kept
REFERENCE_DIR = real_corpora.CORPORA_DIR.parent / "reference"
LINES_PER_TEXT_PAGE = 36  # what a text page of the generated PDFs holds (13 pt lines on A4)
CANDIDATES = [Candidate(name, BUILTIN_TEMPLATES[name]) for name in ("receipt", "invoice")]


@dataclass
class Doc:
    name: str
    kind: str  # receipt | invoice | unknown
    group: str  # its issuer (a reference document, for prose pages): never on both sides of a fold
    pages: list[common_pb2.Page]


class NoEngine:
    """Text pages only: nothing here is OCR'd."""

    name = "none"

    def recognize(self, image):  # type: ignore[no-untyped-def]
        raise AssertionError("a text page was rendered")


def _text_pages(pages: list[list[str]]) -> list[common_pb2.Page]:
    return read_document(text_pdf_bytes(pages), NoEngine(), Limits()).pages  # type: ignore[arg-type]


def _prose() -> list[Doc]:
    docs = []
    for path in sorted(REFERENCE_DIR.glob("*.txt")):
        lines = []
        for raw in path.read_text(encoding="utf-8").splitlines():
            text = raw.strip().encode("latin-1", "ignore").decode("latin-1")
            while text:
                lines.append(text[:90])
                text = text[90:]
        for start in range(0, min(len(lines), LINES_PER_TEXT_PAGE * 4), LINES_PER_TEXT_PAGE):
            chunk = lines[start : start + LINES_PER_TEXT_PAGE]
            if len(chunk) > 10:
                docs.append(Doc(f"{path.stem}-{start}", UNKNOWN, f"reference-{path.stem}", _text_pages([chunk])))
    return docs


def _generated_invoices(count: int = 12) -> list[Doc]:
    rng = random.Random(29)
    docs = []
    for n in range(count):
        number, pages_n, numbered = f"G{2024 + n}-{rng.randint(100, 999)}", 2 + n % 2, n % 2 == 0
        items = [f"{i + 1}  Service item {i + 1}   {rng.randint(1, 9)}   {rng.randint(10, 400)}.00" for i in range(50)]
        pages = []
        for k in range(pages_n):
            header = ["INVOICE", f"Invoice No: {number}"] if k == 0 else [f"Invoice No: {number}"]
            if k == 0:
                header += ["Date: 12/03/2025", "Bill to: Client Company", "Description  Qty  Unit price"]
            body = items[k * 25 : (k + 1) * 25] if k < pages_n - 1 else ["Subtotal 1200.00", "Total 1440.00"]
            footer = [f"Page {k + 1} of {pages_n}"] if numbered else []
            pages.append(header + body + footer)
        docs.append(Doc(f"generated-invoice-{n}", "invoice", f"generated-{n % 3}", _text_pages(pages)))
    return docs


def load_documents() -> list[Doc]:
    cache = default_engine_cache()
    docs = []
    for corpus in real_corpora.CORPORA:
        if not real_corpora.available(corpus):
            continue
        for d in real_corpora.load(corpus):
            docs.append(Doc(f"{corpus}/{d.name}", d.template, f"{corpus}/{d.issuer}", cache.pages(d.data)))
    return docs + _prose() + _generated_invoices()


@dataclass
class Weighed:
    by_type: dict[str, list[float]]  # each candidate's evidence features
    amount_rows: float


def features(docs: list[Doc]) -> dict[str, Weighed]:
    """Each document's evidence for each candidate (its whole pages)."""
    out = {}
    for doc in docs:
        by_type = {c.type: evidence(c, [o for o in CANDIDATES if o is not c], doc.pages).features for c in CANDIDATES}
        out[doc.name] = Weighed(by_type, amount_rows(doc.pages))
    return out


def fit(docs: list[Doc], feats: dict[str, Weighed], c: float) -> Scorer:
    """The choice: a conditional logit, fitted as a logistic model without intercept on the differences between
    the right candidate's features and each other's (both signs). Known or not: a logistic model on the best
    utility and the share of amount rows."""
    from sklearn.linear_model import LogisticRegression

    x, y = [], []
    for doc in docs:
        if doc.kind == UNKNOWN:
            continue
        right = feats[doc.name].by_type[doc.kind]
        for kind, values in feats[doc.name].by_type.items():
            if kind != doc.kind:
                diff = [a - b for a, b in zip(right, values, strict=True)]
                x += [diff, [-v for v in diff]]
                y += [1, 0]
    choice = LogisticRegression(C=c, fit_intercept=False, max_iter=2000).fit(x, y)
    partial = Scorer(tuple(float(w) for w in choice.coef_[0]), (0.0, 0.0), 0.0)
    kx = [[max(partial.utility(f) for f in feats[d.name].by_type.values()), feats[d.name].amount_rows] for d in docs]
    ky = [int(d.kind != UNKNOWN) for d in docs]
    known = LogisticRegression(C=c, max_iter=2000).fit(kx, ky)
    return Scorer(partial.choice, (float(known.coef_[0][0]), float(known.coef_[0][1])), float(known.intercept_[0]))


def _verdict(scorer: Scorer, weighed: Weighed) -> str:
    if scorer.known_probability(weighed.by_type, weighed.amount_rows) < 0.5:
        return UNKNOWN
    scores = scorer.probabilities(weighed.by_type)
    return max(scores, key=lambda k: scores[k])


def _folds(docs: list[Doc]) -> list[list[int]]:
    from sklearn.model_selection import GroupKFold

    groups = [doc.group for doc in docs]
    return [list(test) for _, test in GroupKFold(n_splits=FOLDS).split(docs, groups=groups)]


def _renumbered(pages: list[common_pb2.Page], first: int) -> list[common_pb2.Page]:
    out = []
    for offset, page in enumerate(pages):
        copy = common_pb2.Page()
        copy.CopyFrom(page)
        copy.number = first + offset
        out.append(copy)
    return out


def portfolios(docs: list[Doc], seed: int) -> list[list[Doc]]:
    rng = random.Random(seed)
    shuffled = docs[:]
    rng.shuffle(shuffled)
    out, start = [], 0
    while start < len(shuffled):
        size = rng.randint(2, 6)
        out.append(shuffled[start : start + size])
        start += size
    return out


def parts_right(files: list[list[Doc]], scorer: Scorer) -> tuple[Counter[str], Counter[str]]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for docs in files:
        pages, truth, first = [], [], 1
        for doc in docs:
            pages += _renumbered(doc.pages, first)
            truth.append((first, first + len(doc.pages) - 1, doc.kind))
            first += len(doc.pages)
        found = {(p.start_page, p.end_page, p.type) for p in classify(pages, CANDIDATES, scorer=scorer)}
        for start, end, kind in truth:
            total[kind] += 1
            right[kind] += (start, end, kind) in found
    return right, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit classification_weights.json on every document")
    args = parser.parse_args()
    docs = load_documents()
    print(f"{len(docs)} documents: {dict(Counter(d.kind for d in docs))}, {sum(len(d.pages) for d in docs)} pages")
    feats = features(docs)
    folds = _folds(docs)
    fold_scorers: dict[float, list[Scorer]] = {}
    doc_results: dict[float, tuple[Counter[str], Counter[str]]] = {}
    for c in C_GRID:
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        fold_scorers[c] = []
        for test in folds:
            held = set(test)
            scorer = fit([d for i, d in enumerate(docs) if i not in held], feats, c)
            fold_scorers[c].append(scorer)
            for i in test:
                total[docs[i].kind] += 1
                right[docs[i].kind] += _verdict(scorer, feats[docs[i].name]) == docs[i].kind
        doc_results[c] = (right, total)
    best_c = max(C_GRID, key=lambda c: (sum(doc_results[c][0].values()), -c))
    print(f"\n{'C':>6}{'documents right':>18}   (cross-validated, {FOLDS} folds by issuer)")
    for c, (r, t) in doc_results.items():
        print(f"{c:>6}{sum(r.values()):>10}/{sum(t.values()):<4} {sum(r.values()) / sum(t.values()):.3f}")
    pr: Counter[str] = Counter()
    pt: Counter[str] = Counter()
    for fold, test in enumerate(folds):  # the portfolios: held-out documents, read by the scorer of their fold
        r, t = parts_right(portfolios([docs[i] for i in test], seed=fold), fold_scorers[best_c][fold])
        pr.update(r)
        pt.update(t)
    dr, dt = doc_results[best_c]
    print(f"\nC={best_c}, by type (cross-validated):")
    for kind in sorted(dt):
        print(f"  {kind:<8} documents {dr[kind]:>4}/{dt[kind]:<4} {dr[kind] / dt[kind]:.3f}"
              f"   parts of portfolios {pr[kind]:>4}/{pt[kind]:<4} {pr[kind] / pt[kind]:.3f}")  # fmt: skip
    d_right, d_total, p_right, p_total = sum(dr.values()), sum(dt.values()), sum(pr.values()), sum(pt.values())
    print(f"  all      documents {d_right:>4}/{d_total:<4} {d_right / d_total:.3f}"
          f"   parts of portfolios {p_right:>4}/{p_total:<4} {p_right / p_total:.3f}")  # fmt: skip
    if args.fit:
        scorer = fit(docs, feats, best_c)
        data = {
            "fitted_by": "python -m bench.portfolio --fit",
            "scikit_learn": version("scikit-learn"),
            "documents": len(docs),
            "c": best_c,
            "choice": dict(zip(FEATURES, (round(w, 6) for w in scorer.choice), strict=True)),
            "known": {
                "best_utility": round(scorer.known[0], 6),
                "amount_rows": round(scorer.known[1], 6),
                "bias": round(scorer.known_bias, 6),
            },
            "cross_validated": {
                "documents_right": round(sum(dr.values()) / sum(dt.values()), 4),
                "parts_right": round(sum(pr.values()) / sum(pt.values()), 4),
            },
        }
        Path(classification.WEIGHTS_FILE).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {classification.WEIGHTS_FILE}")
    misses = defaultdict(list)
    scorer = fit(docs, feats, best_c)
    for doc in docs:
        got = _verdict(scorer, feats[doc.name])
        if got != doc.kind:
            misses[doc.kind].append(f"{doc.name}→{got}")
    for kind, names in misses.items():
        print(f"  fitted on all, still wrong ({kind}): {', '.join(names[:12])}")


if __name__ == "__main__":
    main()
