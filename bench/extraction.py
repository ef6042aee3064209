"""Extraction accuracy of the built-in templates, per field, on a named corpus.

  python -m bench.extraction --corpus sroie-dev      # 126 real receipts (../shared/corpora)
  python -m bench.extraction --corpus invoices-dev   # 36 real invoices, 9 layouts, French
  python -m bench.extraction --corpus generated      # 32 generated pages: a regression floor
  python -m bench.extraction --corpus all --misses   # every corpus, and each wrong field
  python -m bench.extraction --fit                   # refit the scorers on the real corpora (bench/extraction_fit.py)

OCR output is cached by file hash and engine in .cache/ocr/ (see tests/support/ocr_cache.py), so only
the first run pays for OCR. Prints per-field accuracy, line-item rows, OCR CER and word F1 against the
ground-truth lines (sroie-dev), and the calibration of confidence: how many fields with confidence
≥ 0.9 are right, and how many documents are flagged needsReview.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.support import real_corpora
from tests.support.corpus import build_corpus
from tests.support.ocr_cache import OcrCache, default_engine_cache
from tests.support.scoring import score_corpus


def generated(cache: OcrCache, misses: bool) -> None:
    docs = build_corpus()
    for subset, chosen in (("clean", [d for d in docs if not d.scanned]), ("scanned", [d for d in docs if d.scanned])):
        started = time.perf_counter()
        scores = score_corpus(chosen, cache.pages)
        seconds = time.perf_counter() - started
        cer = statistics.mean(scores.cer[subset])
        print(f"\ngenerated, {subset}: {len(chosen)} documents in {seconds:.1f} s, CER {cer:.4f}")
        print(f"{'template':<9}{'field':<15}{'precision':>10}{'recall':>8}")
        for template, fields in scores.fields.items():
            for name, s in fields.items():
                print(f"{template:<9}{name:<15}{s.precision:>10.3f}{s.recall:>8.3f}")
            print(f"{template:<9}{'(all fields)':<15}{'':>10}{scores.accuracy(template):>8.3f}")
        for failure in scores.failures if misses else []:
            print("  miss:", failure)


def real(corpus: str, cache: OcrCache, misses: bool, limit: int | None) -> None:
    if not real_corpora.available(corpus):
        print(f"\n{corpus}: not found under {real_corpora.CORPORA_DIR} (set OCRBATCH_CORPORA)")
        return
    docs = real_corpora.load(corpus)[:limit]
    started = time.perf_counter()
    scores = real_corpora.score(docs, cache.pages)
    seconds = time.perf_counter() - started
    print(f"\n{corpus}: {len(docs)} documents in {seconds:.1f} s (OCR cache: {cache.hits} hits, {cache.misses} misses)")
    print(f"{'field':<15}{'right':>7}{'of':>5}{'accuracy':>10}")
    for name, tally in scores.fields.items():
        print(f"{name:<15}{tally.right:>7}{tally.total:>5}{tally.accuracy:>10.3f}")
    if scores.rows[1]:
        print(f"{'line-item rows':<15}{scores.rows[0]:>7}{scores.rows[1]:>5}{scores.rows[0] / scores.rows[1]:>10.3f}")
    if scores.cer:
        cer, f1 = statistics.mean(scores.cer), statistics.mean(scores.word_f1)
        print(f"OCR against ground-truth lines: CER {cer:.4f}, word F1 {f1:.3f}")
    confident = scores.confident
    if confident:
        share = sum(confident) / len(confident)
        print(f"confidence ≥ {real_corpora.CONFIDENT}: {sum(confident)}/{len(confident)} right ({share:.3f})")
    flagged = sum(scores.review)
    clean = scores.review_wrong
    print(
        f"needsReview: {flagged}/{len(scores.review)} documents flagged; "
        f"of the {len(clean)} not flagged, {sum(clean)} have a wrong field"
    )
    for tally in scores.fields.values() if misses else []:
        for miss in tally.misses:
            print("  miss:", miss)


def refit(cache: OcrCache) -> None:
    from bench import extraction_fit

    docs = [
        doc for corpus in real_corpora.CORPORA if real_corpora.available(corpus) for doc in real_corpora.load(corpus)
    ]
    started = time.perf_counter()
    data = extraction_fit.examples(docs, cache.pages)
    weights, report = extraction_fit.fit(data)
    extraction_fit.write(weights)
    print(f"fitted on {len(docs)} documents, {len(data)} fields in {time.perf_counter() - started:.1f} s")
    extraction_fit.print_report(report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=["generated", *real_corpora.CORPORA, "all"], default="all")
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    parser.add_argument("--limit", type=int, help="only the first N documents of a real corpus")
    parser.add_argument(
        "--fit", action="store_true", help="fit the scorers on every real corpus and write their weights file"
    )
    args = parser.parse_args()
    cache = default_engine_cache()
    if args.fit:
        refit(cache)
        return
    for corpus in real_corpora.CORPORA:
        if args.corpus in (corpus, "all"):
            real(corpus, cache, args.misses, args.limit)
    if args.corpus in ("generated", "all"):
        generated(cache, args.misses)


if __name__ == "__main__":
    main()
