"""A worker taking several jobs at once (OCRBATCH_WORKER_CONCURRENCY) on real NATS and a real batch service, with
the GPU worker's engine on ONNX Runtime's CPU provider (no GPU here; the same batching code runs): the jobs are
taken together, their pages read in shared batches, and each record holds what the job read alone would."""

from __future__ import annotations

import asyncio

import pytest

from ocrbatch.v1 import common_pb2
from services.worker.consuming.engine_use import EngineUse
from services.worker.documents import Limits
from services.worker.engine.qualities import EnginesByQuality
from services.worker.engine.rapidocr_engine import configured_engine
from services.worker.entrypoints.job_consumer import JobConsumer
from services.worker.pipeline import read_document
from services.worker.settings import WorkerSettings
from tests.support import real_corpora
from tests.support.batch_calls import create, record, wait_for_batch
from tests.support.corpus import build_corpus

pytestmark = pytest.mark.asyncio
CONCURRENCY = 3


def documents() -> list[tuple[str, bytes]]:
    """Two real receipts, a generated invoice and a generated receipt: four jobs for three lanes."""
    if not real_corpora.available("sroie-dev"):
        pytest.skip(f"sroie-dev not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    docs = real_corpora.load("sroie-dev")
    generated = build_corpus()
    return [(d.path.name, d.data) for d in docs[::50][:2]] + [(d.name, d.data) for d in (generated[0], generated[6])]


async def test_a_worker_reading_three_jobs_at_once_gives_each_the_result_it_reads_alone(
    stack, batch_settings, nats_client, jetstream
):
    files = documents()
    # padded as the CPU engine pads, so the batched reads equal a lone job's read on the CPU engine exactly
    settings = WorkerSettings(ocr_engine="onnxruntime-gpu", ocr_det_pad=32, ocr_rec_pad=0, ocr_orientation=False)
    use = EngineUse()
    engines = EnginesByQuality(
        lambda quality: configured_engine(settings, quality=quality, readers=lambda: use.jobs_reading),
        "accurate",
        max_jobs=0,
        max_rss_mb=0,
    )
    batches = [await create(stack, files[:2]), await create(stack, files[2:])]  # the tests' stack: 3 files a batch
    # each job's heartbeat keeps to the stack's short ack wait (1 s) while its lane reads it
    worker = JobConsumer(
        nats_client, jetstream, stack.files, engines, Limits(orient_pages=False), worker_id="t",
        max_file_bytes=10_000_000, ack_wait_s=batch_settings.job_ack_wait_s, concurrency=CONCURRENCY, engine_use=use,
    )  # fmt: skip
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        done = [await wait_for_batch(stack, b.id, common_pb2.BATCH_STATUS_COMPLETED, within_s=240) for b in batches]
    finally:
        stop.set()
        await asyncio.wait_for(running, 60)
    records = [await record(stack, record_id) for b in done for record_id in b.processing_history_ids]
    assert worker.jobs_done >= len(files)  # and any job an earlier test of the session left in the stream

    # three jobs were in hand at once: each of the first three was taken before any was finished
    started = sorted(r.started_at.ToDatetime() for r in records)
    assert started[CONCURRENCY - 1] < min(r.completed_at.ToDatetime() for r in records)

    alone = configured_engine(WorkerSettings(ocr_engine="onnxruntime", ocr_orientation=False))
    by_name = dict(files)
    for r in records:
        want = await asyncio.to_thread(read_document, by_name[r.file_name], alone, Limits(orient_pages=False))
        assert r.text == want.text, r.file_name
        assert [[line.text for line in p.lines] for p in r.pages] == [[ln.text for ln in p.lines] for p in want.pages]
        for got_page, want_page in zip(r.pages, want.pages, strict=True):
            for got, line in zip(got_page.lines, want_page.lines, strict=True):
                assert [c for p in got.box for c in (p.x, p.y)] == pytest.approx(
                    [c for p in line.box for c in (p.x, p.y)], abs=0.01
                )
