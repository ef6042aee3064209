"""Consumes OCR jobs from the shared durable consumer, OCRBATCH_WORKER_CONCURRENCY at a time per process (one by
default), and publishes results. Composes the parts in services/worker/consuming: the queue (which job next), the
heartbeat, the job's file, the back-off while a backend is away, the result, the metrics and the engine's use by
concurrent jobs."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace

from ocrbatch.v1 import jobs_pb2, jobs_pb2_grpc, templates_pb2
from services.common.page_ranges import PageRangeError, parse_pages
from services.common.telemetry import extract_context
from services.worker.classification import Candidate
from services.worker.consuming import job_metrics
from services.worker.consuming.backoff import Released, pause, until_reachable
from services.worker.consuming.engine_use import EngineUse
from services.worker.consuming.heartbeat import Heartbeat
from services.worker.consuming.job_files import JobFiles
from services.worker.consuming.queue import JobQueue, Subscriptions
from services.worker.consuming.results import Outcome, Recognised, ResultPublisher, Unreadable
from services.worker.documents import DocumentError, Limits
from services.worker.engine.qualities import EnginesByQuality
from services.worker.extraction import LocaleHint
from services.worker.pipeline import DocumentText, read_document

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


class JobConsumer:
    def __init__(
        self,
        nc: NatsClient,
        js: JetStreamContext,
        files: jobs_pb2_grpc.JobFileServiceStub,
        engines: EnginesByQuality,
        limits: Limits,
        *,
        worker_id: str,
        max_file_bytes: int,
        ack_wait_s: float,
        concurrency: int = 1,
        engine_use: EngineUse | None = None,
    ) -> None:
        """`concurrency`: jobs taken and read at once, each in its own lane (its own pull subscriptions, its own
        result in flight); each job is acked, beaten and given back exactly as a lone job is. `engine_use`: shared
        with the engine's page collector, which batches the pages of the jobs reading (bootstrap)."""
        self._stop = asyncio.Event()
        self.queue = JobQueue(nc, js)
        self._files = JobFiles(files, max_file_bytes)
        self._results = ResultPublisher(js, worker_id, self._stop)
        self._engines = engines
        self._limits = limits
        self._ack_wait_s = ack_wait_s
        self.jobs_done = 0
        self.concurrency = max(1, concurrency)
        self.engine_use = engine_use or EngineUse()
        self._lanes = [_Lane() for _ in range(self.concurrency)]
        self._reading_threads = ThreadPoolExecutor(self.concurrency, thread_name_prefix="ocr-read")
        self._progress: set[asyncio.Task[None]] = set()  # progress messages on their way

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = self._results.stop = stop
        try:
            await asyncio.gather(*(self._run_lane(lane, stop) for lane in self._lanes))
        finally:
            self._reading_threads.shutdown(wait=False)

    async def _run_lane(self, lane: _Lane, stop: asyncio.Event) -> None:
        subs = await self.queue.subscribe()
        try:
            while not stop.is_set():
                msg = await self._next_job(subs)
                if msg is not None:  # finish the job in hand even when asked to stop: that is the graceful part
                    await self.handle(msg, lane)
        finally:
            await lane.finished()  # the last job's result is published and its job acked before the worker stops
            for sub in subs.values():  # a pull subscription left open makes nc.drain() wait for its full timeout
                await sub.unsubscribe()

    async def _next_job(self, subs: Subscriptions) -> Msg | None:
        try:
            return await self.queue.next_job(subs, self._stop)
        except (nats.errors.Error, TimeoutError) as exc:  # NATS is away: the client reconnects by itself
            log.warning("cannot reach NATS to take a job, trying again: %r", exc)
            await pause(self._stop, 1.0)
            return None

    async def handle(self, msg: Msg, lane: _Lane | None = None) -> None:
        """Reads one job's file and recognises it; only the file itself can fail its record. Its result is
        then published and the job acked while this lane takes its next job and reads that job's file
        (`_finish`, one job at a time a lane): the engine does not wait for NATS between jobs."""
        lane = lane or self._lanes[0]
        job = jobs_pb2.OcrJob.FromString(msg.data)
        delivery = msg.metadata.num_delivered
        span = tracer.start_span("ocr job", context=extract_context(msg.headers), kind=trace.SpanKind.CONSUMER)
        span.set_attribute("ocrbatch.record_id", job.record_id)
        span.set_attribute("ocrbatch.delivery", delivery)
        heartbeat = Heartbeat(msg, self._ack_wait_s)
        with trace.use_span(span, end_on_exit=False):
            try:
                outcome = await self._recognise(job, delivery)
            except Released:
                await self._release(msg, job, heartbeat, span)
                return
            engine = self._engines.made(job.quality)  # between jobs: made again now and then (bounded memory)
            why = engine.renewal_due() if engine is not None else None  # cheap; the renewal off the event loop
            if engine is not None and why:  # once no other job is reading with it
                await self.engine_use.renew(engine, why)
            await lane.finished()  # the previous job's, done long ago: one result in flight a lane
            # the task copies the current context, so the result's message carries this job's trace
            lane.finishing = asyncio.create_task(self._finish(msg, job, delivery, outcome, heartbeat, span))

    async def _recognise(self, job: jobs_pb2.OcrJob, delivery: int) -> Outcome:
        """The job's document read, or why its file cannot be read. Raises Released when the worker stops
        while the batch service is unreachable."""
        job_metrics.received(job)
        started, started_at = time.perf_counter(), datetime.now(UTC)
        quality = job.quality or self._engines.default
        try:
            data = await until_reachable(
                f"reading record {job.record_id}", lambda: self._files.read(job, delivery, started_at), self._stop
            )
            template = job.template if job.HasField("template") else None
            locale = LocaleHint(tag=job.locale, source=job.locale_source)  # the page's own evidence comes first
            pages = parse_pages(job.page_range)
            on_page = self._progress_of(job, delivery)
            candidates = [Candidate(c.type, c.template) for c in job.candidates]
            read = functools.partial(
                self._read,
                data,
                quality,
                template,
                locale,
                list(job.examples),
                pages,
                on_page,
                candidates,
                job.one_document,
            )
            async with self.engine_use.reading():
                # a thread a lane: a job counted as reading is never queued behind others for a thread; the
                # current context goes with it, as asyncio.to_thread takes it
                document = await asyncio.get_running_loop().run_in_executor(
                    self._reading_threads, contextvars.copy_context().run, read
                )
        except DocumentError as exc:  # the file itself is bad: retrying cannot help
            return Unreadable("document", str(exc))
        except PageRangeError as exc:  # checked at upload: only a job made by hand gets here
            return Unreadable("document", f"pages: {exc}")
        except Released:
            raise
        except Exception as exc:  # an engine bug on this file: fail the record, keep the worker alive
            log.exception("record %s: unexpected error", job.record_id)
            return Unreadable("engine_error", f"internal error while reading the file ({type(exc).__name__})")
        return Recognised(document, time.perf_counter() - started, quality)

    def _read(
        self,
        data: bytes,
        quality: str,
        template: templates_pb2.Template | None,
        locale: LocaleHint,
        examples: list[jobs_pb2.Example],
        pages: list[int],
        on_page: Callable[[int, int], None],
        candidates: list[Candidate],
        one_document: bool,
    ) -> DocumentText:
        """In a thread: the engine of a quality no job asked for yet is made here, off the event loop."""
        engine = self._engines.engine(quality)
        return read_document(
            data,
            engine,
            self._limits,
            template,
            locale,
            examples,
            page_numbers=pages,
            on_page=on_page,
            candidates=candidates,
            one_document=one_document,
        )

    def _progress_of(self, job: jobs_pb2.OcrJob, delivery: int) -> Callable[[int, int], None]:
        """What the reading thread calls after each page: a document of several pages has its pages read so far
        published from the event loop (the last page's count comes with the result)."""
        loop = asyncio.get_running_loop()

        def publish(done: int, total: int) -> None:
            task = asyncio.create_task(self._results.progress(job, delivery, done, total))
            self._progress.add(task)
            task.add_done_callback(self._progress.discard)

        def on_page(done: int, total: int) -> None:
            if 1 < total and done < total:
                loop.call_soon_threadsafe(publish, done, total)

        return on_page

    async def _finish(
        self, msg: Msg, job: jobs_pb2.OcrJob, delivery: int, outcome: Outcome, heartbeat: Heartbeat, span: trace.Span
    ) -> None:
        """Publishes the job's result, then acks the job (a result is never acked before NATS holds it)."""
        try:
            await self._results.publish(job, delivery, outcome)
        except Released:
            await self._release(msg, job, heartbeat, span)
            return
        except Exception:  # not published: the job is not acked, so JetStream delivers it again
            log.exception("record %s: the result could not be published", job.record_id)
            await self._close_job(heartbeat, span)
            return
        await self._close_job(heartbeat, span)
        try:
            await msg.ack_sync()
        except (nats.errors.Error, TimeoutError) as exc:  # redelivered later: its result is applied once anyway
            log.warning("record %s: the ack did not reach NATS (%r); the job will come back", job.record_id, exc)
        self.jobs_done += 1

    async def _release(self, msg: Msg, job: jobs_pb2.OcrJob, heartbeat: Heartbeat, span: trace.Span) -> None:
        """The worker is stopping before the job's result got through: the job goes back to the queue."""
        log.info("record %s goes back to the queue: the worker is stopping", job.record_id)
        await self._close_job(heartbeat, span)
        with contextlib.suppress(nats.errors.Error, TimeoutError):
            await msg.nak(delay=1.0)

    @staticmethod
    async def _close_job(heartbeat: Heartbeat, span: trace.Span) -> None:
        """The job's heartbeat stops and its span ends."""
        await heartbeat.stop()
        span.end()


class _Lane:
    """One of a worker's concurrent jobs in turn: the result of its last job on its way."""

    def __init__(self) -> None:
        self.finishing: asyncio.Task[None] | None = None

    async def finished(self) -> None:
        if self.finishing is not None:
            await self.finishing
            self.finishing = None
