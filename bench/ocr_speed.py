"""OCR speed per core: the same pages through each engine (one thread, one process) and through Tesseract
when it is installed; seconds per page, word F1 against the ground-truth lines, and the peak memory of
each engine's process. Two sets: real scanned receipts (sroie-dev) and generated A4 invoices (half clean,
half poor scans; a regression floor, not evidence).

Usage: python -m bench.ocr_speed [--pages 30] [--invoices 12] [--engines openvino,openvino:tiny,onnxruntime,tesseract]
(an engine is a runtime, then after a colon the PP-OCRv6 models, small unless named, and after another the
recognition alphabet, latin unless named: openvino:small:full)
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
from dataclasses import dataclass
from pathlib import Path

from tests.support import real_corpora
from tests.support.corpus import build_corpus


@dataclass
class Sample:
    path: Path
    lines: list[str]  # the ground-truth text lines


def receipts(count: int) -> list[Sample]:
    docs = real_corpora.load("sroie-dev")
    docs = docs[:: max(1, len(docs) // count)][:count]
    return [Sample(d.path, d.lines) for d in docs]


def generated_invoices(count: int, folder: Path) -> list[Sample]:
    samples = []
    for doc in [d for d in build_corpus() if d.template == "invoice"][:count]:
        path = folder / doc.name
        path.write_bytes(doc.data)
        samples.append(Sample(path, doc.text_lines))
    return samples


def _engine_run(engine: str, paths: list[str], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from services.worker.documents import Limits
    from services.worker.engine.rapidocr_engine import RapidOcrEngine
    from services.worker.pipeline import read_document

    backend, model, alphabet, *_ = [*engine.split(":"), "", ""]
    ocr = RapidOcrEngine(threads=1, backend=backend, model=model or "small", alphabet=alphabet or "latin")
    # warm up on the first page (OpenVINO compiles its kernels for each new input shape on first use)
    read_document(Path(paths[0]).read_bytes(), ocr, Limits())
    texts, started = [], time.perf_counter()
    for path in paths:
        document = read_document(Path(path).read_bytes(), ocr, Limits())
        texts.append([line.text for page in document.pages for line in page.lines])
    seconds = time.perf_counter() - started
    out.put((seconds, texts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def engine(name: str, docs: list[Sample]) -> tuple[float, list[list[str]], float]:
    out: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    process = mp.get_context("spawn").Process(target=_engine_run, args=(name, [str(d.path) for d in docs], out))
    process.start()
    result = out.get()
    process.join()
    return result


def tesseract(docs: list[Sample]) -> tuple[float, list[list[str]], float] | None:
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


def table(title: str, docs: list[Sample], engines: list[str]) -> None:
    print(f"\n{len(docs)} {title}, one thread each:")
    print(f"{'engine':<18}{'s/page':>8}{'pages/s/core':>14}{'word F1':>9}{'peak RSS MB':>13}")
    for name in engines:
        result = tesseract(docs) if name == "tesseract" else engine(name, docs)
        if result is None:
            print(f"{name:<18}  skipped: the tesseract CLI is not installed (apt-get install tesseract-ocr)")
            continue
        seconds, texts, peak = result
        f1 = statistics.mean(real_corpora.word_f1(d.lines, t) for d, t in zip(docs, texts, strict=True))
        per_page = seconds / len(docs)
        print(f"{name:<18}{per_page:>8.3f}{1 / per_page:>14.2f}{f1:>9.3f}{peak:>13.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=30, help="real receipts")
    parser.add_argument("--invoices", type=int, default=12, help="generated A4 invoices")
    parser.add_argument("--engines", default="openvino,openvino:tiny,onnxruntime,onnxruntime:tiny,tesseract")
    args = parser.parse_args()
    engines = args.engines.split(",")
    table("real receipts (sroie-dev)", receipts(args.pages), engines)
    with tempfile.TemporaryDirectory() as folder:
        table("generated A4 invoices (half poor scans)", generated_invoices(args.invoices, Path(folder)), engines)


if __name__ == "__main__":
    main()
