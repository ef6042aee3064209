"""OCR speed per core: the same pages through each engine (one thread, one process) and through Tesseract
when it is installed; seconds per page (read once, and `again`: the same pages read a second time, every text
line's input shape then seen, as in a worker that has read many pages), word F1 against the ground-truth lines,
and the peak memory of each engine's process. Two sets: real scanned receipts (sroie-dev) and generated A4
invoices (half clean, half poor scans; a regression floor, not evidence).

Usage: python -m bench.ocr_speed [--pages 30] [--invoices 12] [--engines openvino,openvino:tiny,onnxruntime,tesseract]
(an engine is a runtime, then after a colon the PP-OCRv6 models, small unless named, or `fast` for the fast reading
quality, and after another the recognition alphabet, latin unless named: openvino:small:full, openvino:fast).
On real receipts it prints each engine's field accuracy with the built-in receipt template too (Tesseract gives
no boxes, so none). Rotated pages: python -m bench.orientation; which lines fast re-reads: python -m bench.fast_routes
End to end through the pipeline (1 and 2 workers): OCRBATCH_OCR_ENGINE=… python -m bench.pipeline --workers N
"""

from __future__ import annotations

import argparse
import hashlib
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
    real: real_corpora.RealDocument | None = None  # with its fields' truth: field accuracy is measured too


def receipts(count: int) -> list[Sample]:
    docs = real_corpora.load("sroie-dev")
    docs = docs[:: max(1, len(docs) // count)][:count]
    return [Sample(d.path, d.lines, d) for d in docs]


def generated_invoices(count: int, folder: Path) -> list[Sample]:
    samples = []
    for doc in [d for d in build_corpus() if d.template == "invoice"][:count]:
        path = folder / doc.name
        path.write_bytes(doc.data)
        samples.append(Sample(path, doc.text_lines))
    return samples


def _engine_run(engine: str, paths: list[str], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from services.worker.documents import Limits
    from services.worker.engine.fast import FastEngine
    from services.worker.engine.port import OcrEngine
    from services.worker.engine.rapidocr_engine import RapidOcrEngine
    from services.worker.pipeline import read_document

    backend, model, alphabet, *_ = [*engine.split(":"), "", ""]

    def make(model: str) -> RapidOcrEngine:
        return RapidOcrEngine(threads=1, backend=backend, model=model, alphabet=alphabet or "latin")

    ocr: OcrEngine
    if model == "fast":  # the fast reading quality: the tiny pair, the small recogniser again on the header
        ocr = FastEngine(make("tiny"), make("small"))
    else:
        ocr = make(model or "small")
    # warm up on the first page (OpenVINO compiles its kernels for each new input shape on first use)
    read_document(Path(paths[0]).read_bytes(), ocr, Limits())
    pages, started = [], time.perf_counter()
    for path in paths:
        document = read_document(Path(path).read_bytes(), ocr, Limits())
        pages.append([page.SerializeToString() for page in document.pages])
    seconds = time.perf_counter() - started
    # the same pages again: every input shape (text line widths) now seen, as in a worker that has read many pages
    started = time.perf_counter()
    for path in paths:
        read_document(Path(path).read_bytes(), ocr, Limits())
    again = time.perf_counter() - started
    out.put((seconds, again, pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def engine(name: str, docs: list[Sample]) -> tuple[float, float, list[list[bytes]], float]:
    """Seconds for all the documents, seconds to read them again, each document's pages (serialised
    ocrbatch.v1.Page), peak RSS in MB."""
    out: mp.Queue = mp.get_context("spawn").Queue()  # type: ignore[type-arg]
    process = mp.get_context("spawn").Process(target=_engine_run, args=(name, [str(d.path) for d in docs], out))
    process.start()
    result = out.get()
    process.join()
    return result


def tesseract(docs: list[Sample]) -> tuple[float, float, list[list[str]], float] | None:
    """Seconds for all the documents (twice: it keeps nothing between pages), each document's text lines, peak RSS
    in MB."""
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
    seconds = time.perf_counter() - started
    return seconds, seconds, texts, peak


def field_accuracy(docs: list[Sample], pages: list[list[bytes]]) -> str:
    """Each field's accuracy with the built-in template, on the documents that have fields' truth."""
    from ocrbatch.v1 import common_pb2

    read = {d.path: p for d, p in zip(docs, pages, strict=True) if d.real is not None}
    if not read:
        return ""
    by_hash = {hashlib.sha256(path.read_bytes()).hexdigest(): p for path, p in read.items()}
    scores = real_corpora.score(
        [d.real for d in docs if d.real is not None],
        lambda data: [common_pb2.Page.FromString(b) for b in by_hash[hashlib.sha256(data).hexdigest()]],
    )
    return "  ".join(f"{name} {tally.accuracy:.3f}" for name, tally in scores.fields.items())


def table(title: str, docs: list[Sample], engines: list[str]) -> None:
    print(f"\n{len(docs)} {title}, one thread each:")
    print(f"{'engine':<20}{'s/page':>8}{'again':>7}{'pages/s/core':>14}{'word F1':>9}{'peak RSS MB':>13}  fields")
    for name in engines:
        result = tesseract(docs) if name == "tesseract" else engine(name, docs)
        if result is None:
            print(f"{name:<20}  skipped: the tesseract CLI is not installed (apt-get install tesseract-ocr)")
            continue
        seconds, again, read, peak = result
        if name == "tesseract":
            texts, fields = read, ""  # no boxes: no extraction
        else:
            texts = [[line.text for b in doc for line in _page(b).lines] for doc in read]
            fields = field_accuracy(docs, read)
        f1 = statistics.mean(real_corpora.word_f1(d.lines, t) for d, t in zip(docs, texts, strict=True))
        per_page = seconds / len(docs)
        again_per_page = again / len(docs)
        print(f"{name:<20}{per_page:>8.3f}{again_per_page:>7.3f}{1 / per_page:>14.2f}{f1:>9.3f}{peak:>13.0f}  {fields}")


def _page(data: bytes):  # type: ignore[no-untyped-def]
    from ocrbatch.v1 import common_pb2

    return common_pb2.Page.FromString(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=30, help="real receipts")
    parser.add_argument("--invoices", type=int, default=12, help="generated A4 invoices")
    parser.add_argument("--engines", default="openvino,openvino:fast,openvino:tiny,tesseract")
    args = parser.parse_args()
    engines = args.engines.split(",")
    real = receipts(args.pages)
    if args.pages and not real:
        raise SystemExit(f"no sroie-dev receipts under {real_corpora.CORPORA_DIR} (OCRBATCH_CORPORA: where they are)")
    if real:
        table("real receipts (sroie-dev)", real, engines)
    if args.invoices:  # 0: the real receipts only
        with tempfile.TemporaryDirectory() as folder:
            table("generated A4 invoices (half poor scans)", generated_invoices(args.invoices, Path(folder)), engines)


if __name__ == "__main__":
    main()
