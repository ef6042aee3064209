"""Pages per second end to end (REST upload → NATS workers → results applied) for a 50-file batch,
against the raw OCR engine on the same pages in the same run, with the same number of processes; how
soon after the upload began the first record was completed; and the CPU each process of the stack spent.

Usage: python -m bench.pipeline [--files 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from websockets.sync.client import connect

from services.local.stack import LocalStack, StackConfig, free_port
from services.worker.documents import Limits
from tests.support.documents import Invoice, invoice_image, jpeg_bytes, png_bytes, scanned


def make_documents(count: int) -> list[tuple[str, bytes, str]]:
    """Half clean PNG invoices, half noisy rotated JPEG scans: every page needs OCR."""
    docs = []
    for i in range(count):
        invoice = Invoice(number=f"INV-2026-{i:04d}", total=f"{100 + i * 7},50")
        page = invoice_image(invoice, width=1240, height=1000)
        if i % 2:
            docs.append((f"scan-{i:02d}.jpg", jpeg_bytes(scanned(page, angle=2.0 + i % 3, seed=i)), "image/jpeg"))
        else:
            docs.append((f"clean-{i:02d}.png", png_bytes(page), "image/png"))
    return docs


_ENGINE = None


def _init_engine() -> None:
    global _ENGINE
    from services.worker.bootstrap import check_engine
    from services.worker.engine.rapidocr_engine import configured_engine
    from services.worker.settings import WorkerSettings

    _ENGINE = configured_engine(WorkerSettings(), 1)  # the workers' engine, so the two paths compare
    check_engine(_ENGINE)  # warmed exactly as a worker warms its engine before taking jobs


def _ready(_: int) -> int:
    time.sleep(0.2)  # holds this process a moment, so that the others take the other tasks
    return os.getpid()


def _read(data: bytes) -> int:
    from services.worker.pipeline import read_document

    return len(read_document(data, _ENGINE, Limits()).pages)


def raw_engine(docs: list[tuple[str, bytes, str]], processes: int) -> tuple[int, float]:
    """The same files through the engine directly: one engine per process, like one worker per process."""
    with mp.get_context("spawn").Pool(processes, initializer=_init_engine) as pool:
        while len(set(pool.map(_ready, range(processes), chunksize=1))) < processes:
            pass  # until every process has made and warmed its engine
        started = time.perf_counter()
        pages = sum(pool.map(_read, [data for _, data, _ in docs], chunksize=1))
        return pages, time.perf_counter() - started


@dataclass
class EndToEnd:
    pages: int
    seconds: float  # upload began → the batch's status is final
    upload_s: float  # the upload's request, until its response
    first_result_s: float  # upload began → the first record's completedAt
    cpu_s: dict[str, float]  # CPU seconds each process of the stack spent from the upload to the final status


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; 0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def final_status(url: str, api_key: str, batch_id: str) -> str:
    """Follows the batch on the live-progress WebSocket until its status is final (no polling: a poll loop
    costs the gateway, batch service and database CPU the workers need)."""
    ws_url = url.replace("http", "ws", 1) + "/v1/ws"
    with connect(ws_url, additional_headers={"X-API-Key": api_key}, open_timeout=10) as ws:
        ws.send(json.dumps({"action": "subscribe", "batchId": batch_id}))
        while True:
            event = json.loads(ws.recv(timeout=600))
            if event.get("status") in ("completed", "partially_failed", "failed"):
                return str(event["status"])
            if event.get("event") == "error":
                raise SystemExit(f"live progress: {event}")


def end_to_end(docs: list[tuple[str, bytes, str]], workers: int) -> EndToEnd:
    with tempfile.TemporaryDirectory() as home:
        stack = LocalStack(
            StackConfig(home=Path(home), http_port=free_port(), workers=workers, log_dir=Path(home) / "logs")
        )
        info = stack.start()
        try:
            client = httpx.Client(base_url=str(info["url"]), headers={"X-API-Key": str(info["apiKey"])}, timeout=600)
            # the multipart body is encoded before the clock starts: a client's encoding is not the pipeline's
            request = client.build_request("POST", "/v1/openapi/batch/upload", files=[("files", d) for d in docs])
            request.read()
            before = {child.name: cpu_seconds(child.process.pid) for child in stack.children}
            started, began_at = time.perf_counter(), time.time()
            reply = client.send(request)
            reply.raise_for_status()
            uploaded = time.perf_counter() - started
            status = final_status(str(info["url"]), str(info["apiKey"]), reply.json()["id"])
            elapsed = time.perf_counter() - started
            cpu = {child.name: cpu_seconds(child.process.pid) - before[child.name] for child in stack.children}
            if status != "completed":
                raise SystemExit(f"batch ended {status}: see {home}/logs")
            pages, first = 0, float("inf")
            for rid in reply.json()["processingHistoryIds"]:
                record = client.get(f"/v1/openapi/processing-history/{rid}").json()
                pages += len(record["pages"])
                first = min(first, datetime.fromisoformat(record["completedAt"].replace("Z", "+00:00")).timestamp())
            return EndToEnd(pages, elapsed, uploaded, first - began_at, cpu)
        finally:
            stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("OCRBATCH_WORKERS", "2")))
    parser.add_argument("--no-raw", action="store_true", help="only the end-to-end run (no engine baseline)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="raw and end-to-end runs, alternating (raw, e2e, e2e, raw, …)"
    )
    args = parser.parse_args()
    docs = make_documents(args.files)
    print(
        f"{args.files} single-page documents (1240×1000 px, half clean PNG, half noisy JPEG scans), "
        f"{args.workers} worker process(es), 1 OCR thread each, {os.cpu_count()} CPUs"
    )
    if args.no_raw:
        e2e = end_to_end(docs, args.workers)
        print(f"end to end: {e2e.pages} pages in {e2e.seconds:.1f} s, {e2e.pages / e2e.seconds:.2f} pages/s")
        print(f"upload of the {args.files} files took {e2e.upload_s:.2f} s")
        print(f"first record completed {e2e.first_result_s:.2f} s after the upload began")
        print_cpu([e2e])
        return
    # A VM's speed drifts by several per cent within minutes: alternating the two paths (ABBA) keeps a
    # drift from counting against one of them, and the ratio is over all rounds.
    raws: list[tuple[int, float]] = []
    e2es: list[EndToEnd] = []
    for round_ in range(args.rounds):
        order = ("raw", "e2e") if round_ % 2 == 0 else ("e2e", "raw")
        for path in order:
            if path == "raw":
                raws.append(raw_engine(docs, args.workers))
            else:
                e2es.append(end_to_end(docs, args.workers))
    raw_pages, raw_s = sum(p for p, _ in raws), sum(s for _, s in raws)
    e2e_pages, e2e_s = sum(e.pages for e in e2es), sum(e.seconds for e in e2es)
    raw_rate, e2e_rate = raw_pages / raw_s, e2e_pages / e2e_s
    print(f"{'path':<36}{'pages':>7}{'seconds':>10}{'pages/s':>10}   per round (pages/s)")
    print(
        f"{'raw engine (same pages, same procs)':<36}{raw_pages:>7}{raw_s:>10.1f}{raw_rate:>10.2f}   "
        + ", ".join(f"{p / s:.2f}" for p, s in raws)
    )
    print(
        f"{'end to end (upload → final status)':<36}{e2e_pages:>7}{e2e_s:>10.1f}{e2e_rate:>10.2f}   "
        + ", ".join(f"{e.pages / e.seconds:.2f}" for e in e2es)
    )
    print(f"upload of the {args.files} files took " + ", ".join(f"{e.upload_s:.2f}" for e in e2es) + " s")
    print("first record completed " + ", ".join(f"{e.first_result_s:.2f}" for e in e2es) + " s after the upload began")
    print_cpu(e2es)
    print(f"end-to-end / raw engine throughput ratio: {e2e_rate / raw_rate:.2f}")


def print_cpu(runs: list[EndToEnd]) -> None:
    """Where the CPU went end to end, per process and per file, averaged over the runs."""
    names = list(runs[0].cpu_s)
    mean = {name: sum(run.cpu_s[name] for run in runs) / len(runs) for name in names}
    pages = sum(run.pages for run in runs) / len(runs)
    workers = sum(v for name, v in mean.items() if name.startswith("worker"))
    rest = sum(v for name, v in mean.items() if not name.startswith("worker"))
    print(
        "CPU seconds per batch, end to end: "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in mean.items())
        + f"; workers {workers / pages:.3f} s a page, the rest of the stack {rest / pages * 1000:.0f} ms a page"
    )


if __name__ == "__main__":
    main()
