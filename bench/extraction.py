"""Field-level precision and recall per template, and OCR character error rate, on the generated corpus.

32 documents: invoices in English, French, German and Spanish in three layouts and receipts, each clean
and as a rotated, noisy scan (tests/support/corpus.py). Usage: python bench/extraction.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.worker.engine.rapidocr_engine import RapidOcrEngine  # noqa: E402
from tests.support.corpus import build_corpus  # noqa: E402
from tests.support.scoring import score_corpus  # noqa: E402


def main() -> None:
    docs = build_corpus()
    engine = RapidOcrEngine(threads=2)
    for subset, chosen in (("clean", [d for d in docs if not d.scanned]), ("scanned", [d for d in docs if d.scanned])):
        started = time.perf_counter()
        scores = score_corpus(chosen, engine)
        seconds = time.perf_counter() - started
        mean_cer = statistics.mean(scores.cer[subset])
        print(f"\n{subset}: {len(chosen)} documents in {seconds:.1f} s, CER mean {mean_cer:.4f}")
        print(f"{'template':<9}{'field':<15}{'precision':>10}{'recall':>8}")
        for template, fields in scores.fields.items():
            for name, s in fields.items():
                print(f"{template:<9}{name:<15}{s.precision:>10.3f}{s.recall:>8.3f}")
            print(f"{template:<9}{'(all fields)':<15}{'':>10}{scores.accuracy(template):>8.3f}")
        for failure in scores.failures:
            print("  miss:", failure)


if __name__ == "__main__":
    main()
