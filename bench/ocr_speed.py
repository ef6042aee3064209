"""OCR speed per core on real scans: the same pages through each engine (one thread, one process) and
through Tesseract when it is installed; seconds per page, word F1 against the ground-truth lines, and the
peak memory of each engine's process.

Usage: python -m bench.ocr_speed [--pages 30] [--engines onnxruntime,openvino,tesseract]
End to end through the pipeline (1 and 2 workers): OCRBATCH_OCR_ENGINE=… python -m bench.pipeline --workers N
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support import real_corpora


def _engine_run(engine: str, paths: list[str], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from services.worker.documents import Limits
    from services.worker.engine.rapidocr_engine import RapidOcrEngine
    from services.worker.pipeline import read_document

    ocr = RapidOcrEngine(threads=1, backend=engine)
    read_document(Path(paths[0]).read_bytes(), ocr, Limits())  # warm up, as a worker's health check does
    texts, started = [], time.perf_counter()
    for path in paths:
        document = read_document(Path(path).read_bytes(), ocr, Limits())
        texts.append([line.text for page in document.pages for line in page.lines])
    seconds = time.perf_counter() - started
    out.put((seconds, texts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def engine(name: str, docs: list[real_corpora.RealDocument]) -> tuple[float, list[list[str]], float]:
    out: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    process = mp.get_context("spawn").Process(target=_engine_run, args=(name, [str(d.path) for d in docs], out))
    process.start()
    result = out.get()
    process.join()
    return result


def tesseract(docs: list[real_corpora.RealDocument]) -> tuple[float, list[list[str]], float] | None:
    if shutil.which("tesseract") is None:
        return None
    texts, started, peak = [], time.perf_counter(), 0.0
    with tempfile.TemporaryDirectory():
        for doc in docs:
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "tesseract", str(doc.path), "stdout"],
                capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1"},
            )  # fmt: skip
            texts.append([line for line in done.stdout.splitlines() if line.strip()])
            peak = max(peak, float(done.stderr.strip().splitlines()[-1] or 0) / 1024)
    return time.perf_counter() - started, texts, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--engines", default="onnxruntime,openvino,tesseract")
    args = parser.parse_args()
    docs = real_corpora.load("sroie-dev")
    docs = docs[:: max(1, len(docs) // args.pages)][: args.pages]
    print(f"\n{len(docs)} real receipts (sroie-dev), one thread each:")
    print(f"{'engine':<14}{'s/page':>8}{'pages/s/core':>14}{'word F1':>9}{'peak RSS MB':>13}")
    for name in args.engines.split(","):
        result = tesseract(docs) if name == "tesseract" else engine(name, docs)
        if result is None:
            print(f"{name:<14}  skipped: the tesseract CLI is not installed (apt-get install tesseract-ocr)")
            continue
        seconds, texts, peak = result
        f1 = statistics.mean(real_corpora.word_f1(d.lines, t) for d, t in zip(docs, texts, strict=True))
        per_page = seconds / len(docs)
        print(f"{name:<14}{per_page:>8.3f}{1 / per_page:>14.2f}{f1:>9.3f}{peak:>13.0f}")


if __name__ == "__main__":
    main()
