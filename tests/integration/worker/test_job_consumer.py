"""The worker's job loop against a real NATS JetStream: which job an idle or a busy worker takes next, and
what a job hands to the reading of its document."""

from __future__ import annotations

import asyncio
import time

import pytest

from ocrbatch.v1 import common_pb2, jobs_pb2
from services.common.jetstream import ensure_topology, job_subject
from services.worker.consuming import queue
from services.worker.documents import Limits
from services.worker.engine.qualities import EnginesByQuality
from services.worker.entrypoints import job_consumer
from services.worker.entrypoints.job_consumer import JobConsumer
from services.worker.extraction import LocaleHint
from services.worker.pipeline import DocumentText
from tests.support.batch_calls import create, wait_for_batch

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def consumer(nats_client, jetstream, monkeypatch):
    """A job consumer on real NATS; it only takes jobs here (no batch service, no engine: next_job needs
    neither). An idle worker's look for redeliveries is put off to 10 s, so a prompt take can only be the
    wake-up on publication."""
    monkeypatch.setattr(queue, "IDLE_WAIT_S", 10.0)
    await ensure_topology(jetstream, ack_wait_s=30, max_deliver=3)
    files = None  # next_job reads no file and recognises nothing
    return JobConsumer(
        nats_client, jetstream, files, no_engine(), Limits(), worker_id="t", max_file_bytes=1, ack_wait_s=30
    )


def no_engine() -> EnginesByQuality:
    """Engines that are never asked to read (these tests take jobs, or replace the reading)."""
    return EnginesByQuality(lambda quality: None, "accurate", max_jobs=0, max_rss_mb=0)


async def publish(jetstream, priority: str, record_id: str) -> None:
    job = jobs_pb2.OcrJob(record_id=record_id, batch_id="b", generation=1, priority=priority)
    await jetstream.publish(job_subject(priority), job.SerializeToString())


async def test_an_idle_worker_takes_a_job_as_soon_as_it_is_published_whatever_its_priority(consumer, jetstream):
    subs = await consumer.queue.subscribe()
    for priority in ("low", "high", "medium"):
        taking = asyncio.create_task(consumer.queue.next_job(subs, asyncio.Event()))
        await asyncio.wait_for(consumer.queue.idle.wait(), 10)  # nothing waiting: the worker listens for new jobs
        published = time.monotonic()
        await publish(jetstream, priority, f"r-{priority}")
        msg = await asyncio.wait_for(taking, 10)
        assert msg is not None, f"the {priority} job did not wake the idle worker"
        assert jobs_pb2.OcrJob.FromString(msg.data).record_id == f"r-{priority}"
        assert time.monotonic() - published < 2.0  # the wake-up, not the 10 s look for redeliveries
        await msg.ack_sync()


async def test_the_highest_priority_waiting_job_is_taken_first(consumer, jetstream):
    subs = await consumer.queue.subscribe()
    await publish(jetstream, "low", "r-low")
    await publish(jetstream, "medium", "r-medium")
    await publish(jetstream, "high", "r-high")
    taken = []
    for _ in range(3):
        msg = await consumer.queue.next_job(subs, asyncio.Event())
        assert msg is not None
        taken.append(jobs_pb2.OcrJob.FromString(msg.data).record_id)
        await msg.ack_sync()
    assert taken == ["r-high", "r-medium", "r-low"]


async def test_a_stopping_worker_stops_waiting_for_jobs_at_once(consumer):
    subs = await consumer.queue.subscribe()
    stop = asyncio.Event()
    taking = asyncio.create_task(consumer.queue.next_job(subs, stop))
    await asyncio.wait_for(consumer.queue.idle.wait(), 10)
    stopped = time.monotonic()
    stop.set()
    assert await asyncio.wait_for(taking, 10) is None
    assert time.monotonic() - stopped < 2.0  # not the 10 s idle wait


async def test_a_document_is_read_with_the_locale_its_job_carries_and_where_it_came_from(
    stack, nats_client, jetstream, monkeypatch
):
    """Upload → batch service → job → worker: the locale reaches the reading of the document (what the
    extraction makes of it is its own affair), so the reading is recorded here instead of run."""
    given: list[tuple[bytes, LocaleHint | None]] = []

    def read(data, engine, limits, template=None, locale=None, examples=None, page_numbers=None, on_page=None, **_):
        given.append((data, locale))
        return DocumentText(text=data.decode(), pages=[])

    monkeypatch.setattr(job_consumer, "read_document", read)
    batch = await create(stack, [("a.txt", b"Total 1,129")], locale="en_gb")
    worker = JobConsumer(
        nats_client, jetstream, stack.files, no_engine(), Limits(), worker_id="t", max_file_bytes=1000, ack_wait_s=30
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_COMPLETED)
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert given == [(b"Total 1,129", LocaleHint("en-GB", "upload"))]
