"""The GPU worker's engine end to end: pages per second and word F1 of the batched engine (OCRBATCH_OCR_ENGINE=
onnxruntime-gpu: engine/batched.py behind the page collector, engine/collector.py) for each batch size and number of
concurrent jobs, against the CPU engine (one thread) on the same pages. Each job is a document read as a worker reads
it (services/worker/pipeline.py read_document: decoding, page orientation, OCR, rows), `concurrency` of them at once
in threads, as a worker's lanes read them. Two sets, as bench/ocr_speed.py: real scanned receipts (sroie-dev) and
generated A4 pages (half poor scans); sets smaller than --pages are read again from the start to make up the count.

On a GPU machine (the `gpu` extra installed in place of onnxruntime):
  python -m bench.gpu --engine onnxruntime-gpu --pages 200 --batch 8,16,32 --concurrency 1,4,8
Without a GPU the same engine runs on ONNX Runtime's CPU provider (said in the log and in the table's title), which
proves the script and the results' equality, not the speed. --pads: detection:recognition padding steps (px) to
sweep; 32:0 pads as the CPU engine does (its reads exactly), the default 256:64 lets more pages and lines share a
batch.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.ocr_speed import Sample, generated_invoices, receipts
from tests.support import real_corpora


def _texts(document: Any) -> list[str]:
    return [line.text for page in document.pages for line in page.lines]


def cpu_reference(docs: list[Sample]) -> tuple[float, dict[Path, list[str]]]:
    """The CPU engine's seconds a page (one thread, one page at a time) and its lines of each distinct document."""
    from services.worker.documents import Limits
    from services.worker.engine.rapidocr_engine import configured_engine
    from services.worker.pipeline import read_document
    from services.worker.settings import WorkerSettings

    engine = configured_engine(WorkerSettings(ocr_engine="onnxruntime"))
    distinct = list({d.path: d for d in docs}.values())
    read_document(distinct[0].path.read_bytes(), engine, Limits())  # warm-up
    started, texts, pages = time.perf_counter(), {}, 0
    for doc in distinct:
        document = read_document(doc.path.read_bytes(), engine, Limits())
        texts[doc.path], pages = _texts(document), pages + len(document.pages)
    return (time.perf_counter() - started) / pages, texts


class Readers:
    """How many jobs are reading now: the collector's cue that every job has a page waiting (as EngineUse)."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        with self._lock:
            self.count += n


def run(engine_name: str, docs: list[Sample], batch: int, concurrency: int, det_pad: int, rec_pad: int) -> dict:
    """Every document read once, `concurrency` at a time, through one engine and its page collector."""
    from services.worker.documents import Limits
    from services.worker.engine.rapidocr_engine import configured_engine
    from services.worker.pipeline import read_document
    from services.worker.settings import WorkerSettings

    settings = WorkerSettings(
        ocr_engine=engine_name, ocr_batch_pages=batch, worker_concurrency=concurrency, ocr_det_pad=det_pad,
        ocr_rec_pad=rec_pad,
    )  # fmt: skip
    readers = Readers()
    engine = configured_engine(settings, readers=lambda: readers.count)
    collector = getattr(engine, "latin", engine)
    datas = [d.path.read_bytes() for d in docs]

    def job(data: bytes) -> Any:
        readers.add(1)
        try:
            return read_document(data, engine, Limits())
        finally:
            readers.add(-1)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(job, datas[: max(concurrency, 2)]))  # warm-up: the first shapes, the CUDA libraries
        if hasattr(collector, "batches"):
            collector.batches.clear()
        started = time.perf_counter()
        documents = list(pool.map(job, datas))
        seconds = time.perf_counter() - started
    pages = sum(len(d.pages) for d in documents)
    batches = getattr(collector, "batches", [])
    return {
        "device": getattr(getattr(collector, "engine", None), "device", "cpu"),
        "pages": pages,
        "seconds": seconds,
        "texts": [_texts(d) for d in documents],
        "mean_batch": statistics.mean(batches) if batches else 1.0,
    }


def table(title: str, docs: list[Sample], args: argparse.Namespace) -> None:
    cpu_seconds, cpu_texts = cpu_reference(docs)
    cpu_f1 = statistics.mean(real_corpora.word_f1(d.lines, cpu_texts[d.path]) for d in docs)
    rows = []
    for pad in args.pads.split(","):
        det_pad, rec_pad = (int(v) for v in pad.split(":"))
        for batch in (int(b) for b in args.batch.split(",")):
            for concurrency in (int(c) for c in args.concurrency.split(",")):
                result = run(args.engine, docs, batch, concurrency, det_pad, rec_pad)
                f1 = statistics.mean(
                    real_corpora.word_f1(d.lines, t) for d, t in zip(docs, result["texts"], strict=True)
                )
                same = sum(t == cpu_texts[d.path] for d, t in zip(docs, result["texts"], strict=True))
                rows.append((f"pad {pad} batch {batch} jobs {concurrency}", result, f1, same))
    device = rows[0][1]["device"] if rows else "?"
    print(f"\n{len(docs)} {title}; {args.engine} on {device}:")
    print(
        f"{'setting':<28}{'pages/s':>9}{'s/page':>9}{'word F1':>9}{'ΔF1 vs CPU':>12}{'docs as CPU':>13}"
        f"{'pages/batch':>13}"
    )
    print(f"{'CPU engine, 1 thread':<28}{1 / cpu_seconds:>9.2f}{cpu_seconds:>9.3f}{cpu_f1:>9.3f}{0:>12.3f}")
    for name, result, f1, same in rows:
        per_page = result["seconds"] / result["pages"]
        print(
            f"{name:<28}{1 / per_page:>9.2f}{per_page:>9.3f}{f1:>9.3f}{f1 - cpu_f1:>+12.3f}"
            f"{f'{same}/{len(docs)}':>13}{result['mean_batch']:>13.1f}"
        )


def repeated(samples: list[Sample], count: int) -> list[Sample]:
    return [samples[i % len(samples)] for i in range(count)] if samples else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="onnxruntime-gpu", help="OCRBATCH_OCR_ENGINE of the batched engine")
    parser.add_argument("--pages", type=int, default=200, help="real receipts read per setting (sroie-dev: 126)")
    parser.add_argument("--generated", type=int, default=None, help="generated A4 pages per setting (--pages)")
    parser.add_argument("--batch", default="8,16,32", help="pages a batch holds (OCRBATCH_OCR_BATCH_PAGES)")
    parser.add_argument("--concurrency", default="1,4,8", help="jobs read at once (OCRBATCH_WORKER_CONCURRENCY)")
    parser.add_argument("--pads", default="256:64", help="detection:recognition padding steps, px")
    args = parser.parse_args()
    table("real receipts (sroie-dev)", repeated(receipts(min(args.pages, 126)), args.pages), args)
    count = args.pages if args.generated is None else args.generated
    with tempfile.TemporaryDirectory() as folder:
        generated = repeated(generated_invoices(24, Path(folder)), count)
        table("generated A4 invoices (half poor scans)", generated, args)


if __name__ == "__main__":
    main()
