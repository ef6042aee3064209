"""Consumes OCR jobs from the shared durable consumer, one at a time per process, and publishes results."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import grpc
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace

from ocrbatch.v1 import jobs_pb2, jobs_pb2_grpc
from services.common import metrics
from services.common.convert import to_struct
from services.common.jetstream import JOBS_STREAM, JOBS_SUBJECT_PREFIX, RESULTS_SUBJECT, workers_consumer
from services.common.priorities import PRIORITIES
from services.common.telemetry import extract_context, inject_headers
from services.worker.documents import DocumentError, Limits
from services.worker.engine.port import OcrEngine
from services.worker.engine.recycling import RecyclingEngine
from services.worker.extraction import LocaleHint
from services.worker.pipeline import DocumentText, read_document

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
T = TypeVar("T")


class Unreachable(Exception):
    """The batch service or NATS did not answer: not the file's fault, so the job is kept and tried again."""


class Released(Exception):
    """The worker is stopping while waiting for a backend: the job goes back to the queue."""


# Waits between tries while a backend is unreachable: quick at first, then about once a minute.
BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
# gRPC codes that say the batch service (or its database) is unreachable or overloaded, not the file bad
_UNREACHABLE_CODES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.CANCELLED,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}
READ_TIMEOUT_S = 30.0
# An idle worker wakes when a job is published; it also looks every IDLE_WAIT_S for redelivered jobs (those
# of a worker that died, or given back), fetching each priority for REDELIVERY_FETCH_S.
IDLE_WAIT_S = 1.0
REDELIVERY_FETCH_S = 0.05


@dataclass(frozen=True)
class Recognised:
    document: DocumentText
    seconds: float  # from taking the job to its text and values


@dataclass(frozen=True)
class Unreadable:
    reason: str  # the ocrbatch_job_failures label
    error: str  # what the record says


class JobConsumer:
    def __init__(
        self,
        nc: NatsClient,
        js: JetStreamContext,
        files: jobs_pb2_grpc.JobFileServiceStub,
        engine: OcrEngine,
        limits: Limits,
        *,
        worker_id: str,
        max_file_bytes: int,
        ack_wait_s: float,
    ) -> None:
        self._nc = nc
        self._js = js
        self._files = files
        self._engine = engine
        self._limits = limits
        self._worker_id = worker_id
        self._max_file_bytes = max_file_bytes
        self._ack_wait_s = ack_wait_s
        self._stop = asyncio.Event()
        self.jobs_done = 0
        self.idle = asyncio.Event()  # set while waiting for a job to be published
        self._finishing: asyncio.Task[None] | None = None  # the last job's result being published

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        subs = await self.subscribe()
        try:
            while not stop.is_set():
                try:
                    msg = await self.next_job(subs)
                except (nats.errors.Error, TimeoutError) as exc:  # NATS is away: the client reconnects by itself
                    log.warning("cannot reach NATS to take a job, trying again: %r", exc)
                    await self._pause(1.0)
                    continue
                if msg is not None:  # finish the job in hand even when asked to stop: that is the graceful part
                    await self.handle(msg)
        finally:
            await self._finished()  # the last job's result is published and its job acked before the worker stops
            for sub in subs.values():  # a pull subscription left open makes nc.drain() wait for its full timeout
                await sub.unsubscribe()

    async def subscribe(self) -> dict[str, JetStreamContext.PullSubscription]:
        """Pull subscriptions to the workers' consumer of each priority, highest first."""
        return {p: await self._js.pull_subscribe_bind(workers_consumer(p), stream=JOBS_STREAM) for p in PRIORITIES}

    async def next_job(self, subs: dict[str, JetStreamContext.PullSubscription]) -> Msg | None:
        """The oldest job of the highest priority that has one waiting; when none does, waits until a job is
        published and takes the highest waiting then. None after IDLE_WAIT_S without one, or when stopping."""
        msg = await self._take_waiting(subs)
        if msg is not None:
            return msg
        # Idle. Listening to the job subjects before looking again: a job published after that look wakes
        # this worker at once, whatever its priority (each priority's fetch in turn made the first job of a
        # batch wait up to 0.3 s a priority before it).
        published = await self._nc.subscribe(f"{JOBS_SUBJECT_PREFIX}.*", max_msgs=1)
        try:
            await self._nc.flush()  # the server has the interest before the look
            msg = await self._take_waiting(subs)
            if msg is not None:
                return msg
            # Redelivered jobs (unacked, or given back) are not counted as waiting: a short fetch on each
            # priority picks them up.
            for sub in subs.values():
                try:
                    return (await sub.fetch(1, timeout=REDELIVERY_FETCH_S))[0]
                except TimeoutError:  # nats-py raises both its own TimeoutError and asyncio's: no job
                    continue
            self.idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first_of(published.next_msg(timeout=None), self._stop.wait()), IDLE_WAIT_S)
            self.idle.clear()
            return None if self._stop.is_set() else await self._take_waiting(subs)
        finally:
            self.idle.clear()
            with contextlib.suppress(nats.errors.Error):
                await published.unsubscribe()

    async def _take_waiting(self, subs: dict[str, JetStreamContext.PullSubscription]) -> Msg | None:
        """The oldest new job of the highest priority that has one. The priorities are asked at once: one
        round trip to NATS before the fetch instead of one per priority."""
        infos = await asyncio.gather(*(self._js.consumer_info(JOBS_STREAM, workers_consumer(p)) for p in subs))
        for sub, info in zip(subs.values(), infos, strict=True):
            if info.num_pending:
                try:
                    return (await sub.fetch(1, timeout=1.0))[0]
                except TimeoutError:  # another worker took it first
                    return None
        return None

    @staticmethod
    async def _first_of(*waits: Awaitable[object]) -> None:
        tasks = [asyncio.ensure_future(wait) for wait in waits]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def handle(self, msg: Msg) -> None:
        """Reads one job's file and recognises it; only the file itself can fail its record. Its result is
        then published and the job acked while this worker takes its next job and reads that job's file
        (`_finish`, one job at a time): the engine does not wait for NATS between jobs."""
        job = jobs_pb2.OcrJob.FromString(msg.data)
        delivery = msg.metadata.num_delivered
        span = tracer.start_span("ocr job", context=extract_context(msg.headers), kind=trace.SpanKind.CONSUMER)
        span.set_attribute("ocrbatch.record_id", job.record_id)
        span.set_attribute("ocrbatch.delivery", delivery)
        heartbeat = asyncio.create_task(self._keep_alive(msg))
        with trace.use_span(span, end_on_exit=False):
            try:
                outcome = await self._recognise(job, delivery)
            except Released:
                await self._release(msg, job, heartbeat, span)
                return
            if isinstance(self._engine, RecyclingEngine):  # between jobs: made again now and then (bounded memory)
                why = self._engine.renewal_due()  # cheap, so asked here; the renewal itself off the event loop
                if why:
                    await asyncio.to_thread(self._engine.renew, why)
            await self._finished()  # the previous job's, done long ago: one result in flight at a time
            # the task copies the current context, so the result's message carries this job's trace
            self._finishing = asyncio.create_task(self._finish(msg, job, delivery, outcome, heartbeat, span))

    async def _finished(self) -> None:
        if self._finishing is not None:
            await self._finishing
            self._finishing = None

    async def _recognise(self, job: jobs_pb2.OcrJob, delivery: int) -> Recognised | Unreadable:
        """The job's document read, or why its file cannot be read. Raises Released when the worker stops
        while the batch service is unreachable."""
        metrics.JOBS.labels("received", job.priority).inc()
        started, started_at = time.perf_counter(), datetime.now(UTC)
        try:
            data = await self._until_reachable(
                f"reading record {job.record_id}", lambda: self._read_file(job, delivery, started_at)
            )
            template = job.template if job.HasField("template") else None
            locale = LocaleHint(tag=job.locale, source=job.locale_source)  # the page's own evidence comes first
            document = await asyncio.to_thread(
                read_document, data, self._engine, self._limits, template, locale, list(job.examples)
            )
        except DocumentError as exc:  # the file itself is bad: retrying cannot help
            return Unreadable("document", str(exc))
        except Released:
            raise
        except Exception as exc:  # an engine bug on this file: fail the record, keep the worker alive
            log.exception("record %s: unexpected error", job.record_id)
            return Unreadable("engine_error", f"internal error while reading the file ({type(exc).__name__})")
        return Recognised(document, time.perf_counter() - started)

    async def _finish(
        self,
        msg: Msg,
        job: jobs_pb2.OcrJob,
        delivery: int,
        outcome: Recognised | Unreadable,
        heartbeat: asyncio.Task[None],
        span: trace.Span,
    ) -> None:
        """Publishes the job's result, then acks the job (a result is never acked before NATS holds it)."""
        try:
            await self._publish_outcome(job, delivery, outcome)
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

    async def _publish_outcome(self, job: jobs_pb2.OcrJob, delivery: int, outcome: Recognised | Unreadable) -> None:
        if isinstance(outcome, Recognised):
            document = outcome.document
            try:
                await self._publish(
                    job,
                    jobs_pb2.RESULT_KIND_COMPLETED,
                    delivery,
                    text=document.text,
                    pages=document.pages,
                    processing_result=to_struct(document.values),
                    field_details=to_struct(document.details),
                    needs_review=document.needs_review,
                    issuer_keys=document.issuer_keys,
                    field_names=list(document.values or {}),
                )
            except nats.errors.MaxPayloadError:
                outcome = Unreadable(
                    "result_too_large",
                    "the recognised result is larger than the NATS max_payload; "
                    "raise max_payload on the server or lower OCRBATCH_MAX_PAGES",
                )
            except Released:
                raise
            except Exception as exc:  # a result that cannot be built or sent: fail the record, as an engine bug
                log.exception("record %s: unexpected error publishing its result", job.record_id)
                outcome = Unreadable("engine_error", f"internal error while reading the file ({type(exc).__name__})")
            else:
                log.info("record %s: %d pages in %.2fs", job.record_id, len(document.pages), outcome.seconds)
                metrics.JOBS.labels("completed", job.priority).inc()
                metrics.PAGES_PER_DOCUMENT.observe(len(document.pages))
                for _ in document.pages:
                    metrics.OCR_SECONDS_PER_PAGE.observe(outcome.seconds / max(len(document.pages), 1))
                return
        metrics.JOB_FAILURES.labels(outcome.reason).inc()
        metrics.JOBS.labels("failed", job.priority).inc()
        await self._fail(job, delivery, outcome.error)

    async def _release(self, msg: Msg, job: jobs_pb2.OcrJob, heartbeat: asyncio.Task[None], span: trace.Span) -> None:
        """The worker is stopping before the job's result got through: the job goes back to the queue."""
        log.info("record %s goes back to the queue: the worker is stopping", job.record_id)
        await self._close_job(heartbeat, span)
        with contextlib.suppress(nats.errors.Error, TimeoutError):
            await msg.nak(delay=1.0)

    @staticmethod
    async def _close_job(heartbeat: asyncio.Task[None], span: trace.Span) -> None:
        """The job's heartbeat stops and its span ends."""
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        span.end()

    async def _keep_alive(self, msg: Msg) -> None:
        """Tells JetStream the job is still being worked on, so a long OCR is not redelivered."""
        while True:
            await asyncio.sleep(max(self._ack_wait_s / 3, 0.5))
            with contextlib.suppress(nats.errors.Error):
                await msg.in_progress()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def _until_reachable(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """attempt() until it gets through. While a backend is unreachable the job stays with this worker
        (its heartbeat goes on), so an outage never uses up the file's attempts; a stopping worker gives the
        job back instead."""
        for tries in itertools.count():
            try:
                return await attempt()
            except Unreachable as exc:
                wait = BACKOFF_S[min(tries, len(BACKOFF_S) - 1)]
                log.warning("%s: %s; trying again in %.2gs", what, exc, wait)
                await self._pause(wait)
                if self._stop.is_set():
                    raise Released from exc
        raise AssertionError("unreachable")

    async def _read_file(self, job: jobs_pb2.OcrJob, delivery: int, started_at: datetime) -> bytes:
        """The job's file; reading it marks the record in progress (this delivery, since started_at)."""
        chunks: list[bytes] = []
        size = 0
        start = jobs_pb2.JobStart(generation=job.generation, delivery=delivery)
        start.at.FromDatetime(started_at)
        request = jobs_pb2.ReadJobFileRequest(record_id=job.record_id, start=start)
        try:
            # wait_for_ready: a call made while the channel reconnects waits for it instead of failing at once
            async for chunk in self._files.ReadJobFile(request, timeout=READ_TIMEOUT_S, wait_for_ready=True):
                size += len(chunk.data)
                if size > self._max_file_bytes:
                    raise DocumentError("the file is larger than this worker accepts")
                chunks.append(chunk.data)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise DocumentError("the uploaded file is no longer stored") from None
            if exc.code() in _UNREACHABLE_CODES:
                raise Unreachable(f"the batch service did not give the file ({exc.code().name})") from None
            raise
        return b"".join(chunks)

    async def _fail(self, job: jobs_pb2.OcrJob, delivery: int, error: str) -> None:
        log.info("record %s failed: %s", job.record_id, error)
        await self._publish(job, jobs_pb2.RESULT_KIND_FAILED, delivery, error=error)

    async def _publish(self, job: jobs_pb2.OcrJob, kind: int, delivery: int, **fields: object) -> None:
        """Publishes a result, trying again while NATS is away (the message id makes repeats harmless)."""
        await self._until_reachable(
            f"publishing the result of record {job.record_id}",
            lambda: self._publish_once(job, kind, delivery, **fields),
        )

    async def _publish_once(self, job: jobs_pb2.OcrJob, kind: int, delivery: int, **fields: object) -> None:
        result = jobs_pb2.OcrResult(
            record_id=job.record_id,
            batch_id=job.batch_id,
            generation=job.generation,
            kind=kind,
            delivery=delivery,
            worker_id=self._worker_id,
            **fields,
        )
        result.at.FromDatetime(datetime.now(UTC))
        msg_id = f"{job.record_id}.{job.generation}.{delivery}.{jobs_pb2.ResultKind.Name(kind)}"
        try:
            await self._js.publish(
                RESULTS_SUBJECT, result.SerializeToString(), headers=inject_headers({"Nats-Msg-Id": msg_id}), timeout=10
            )
        except nats.errors.MaxPayloadError:
            raise
        except (nats.errors.Error, TimeoutError) as exc:
            raise Unreachable(f"NATS did not take the result ({exc!r})") from None
