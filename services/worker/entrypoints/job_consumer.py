"""Consumes OCR jobs from the shared durable consumer, one at a time per process, and publishes results."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime

import grpc
import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace

from ocrbatch.v1 import jobs_pb2, jobs_pb2_grpc
from services.common.convert import to_struct
from services.common.jetstream import JOBS_STREAM, RESULTS_SUBJECT, workers_consumer
from services.common.priorities import PRIORITIES
from services.common.telemetry import extract_context, inject_headers
from services.worker.documents import DocumentError, Limits
from services.worker.engine.port import OcrEngine
from services.worker.pipeline import read_document

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


class RetryableError(Exception):
    """A failure worth another delivery (the batch service or NATS was briefly unreachable)."""


class JobConsumer:
    def __init__(
        self,
        js: JetStreamContext,
        files: jobs_pb2_grpc.JobFileServiceStub,
        engine: OcrEngine,
        limits: Limits,
        *,
        worker_id: str,
        max_file_bytes: int,
        ack_wait_s: float,
        max_deliver: int,
    ) -> None:
        self._js = js
        self._files = files
        self._engine = engine
        self._limits = limits
        self._worker_id = worker_id
        self._max_file_bytes = max_file_bytes
        self._ack_wait_s = ack_wait_s
        self._max_deliver = max_deliver
        self.jobs_done = 0

    async def run(self, stop: asyncio.Event) -> None:
        subs = {p: await self._js.pull_subscribe_bind(workers_consumer(p), stream=JOBS_STREAM) for p in PRIORITIES}
        try:
            while not stop.is_set():
                msg = await self._next_job(subs)
                if msg is not None:  # finish the job in hand even when asked to stop: that is the graceful part
                    await self.handle(msg)
        finally:
            for sub in subs.values():  # a pull subscription left open makes nc.drain() wait for its full timeout
                await sub.unsubscribe()

    async def _next_job(self, subs: dict[str, JetStreamContext.PullSubscription]) -> Msg | None:
        """The oldest job of the highest priority that has one waiting."""
        for priority, sub in subs.items():
            info = await self._js.consumer_info(JOBS_STREAM, workers_consumer(priority))
            if info.num_pending:
                try:
                    return (await sub.fetch(1, timeout=1.0))[0]
                except TimeoutError:  # another worker took it first
                    return None
        # Nothing new anywhere: wait briefly on each, which also picks up redeliveries of unacked jobs.
        for sub in subs.values():
            try:
                return (await sub.fetch(1, timeout=0.3))[0]
            except TimeoutError:  # nats-py raises both its own TimeoutError and asyncio's: no job
                continue
        return None

    async def handle(self, msg: Msg) -> None:
        job = jobs_pb2.OcrJob.FromString(msg.data)
        delivery = msg.metadata.num_delivered
        with tracer.start_as_current_span(
            "ocr job", context=extract_context(msg.headers), kind=trace.SpanKind.CONSUMER
        ) as span:
            span.set_attribute("ocrbatch.record_id", job.record_id)
            span.set_attribute("ocrbatch.delivery", delivery)
            heartbeat = asyncio.create_task(self._keep_alive(msg))
            try:
                await self._publish(job, jobs_pb2.RESULT_KIND_STARTED, delivery)
                started = time.perf_counter()
                data = await self._read_file(job.record_id)
                template = job.template if job.HasField("template") else None
                document = await asyncio.to_thread(read_document, data, self._engine, self._limits, template)
                await self._publish(
                    job,
                    jobs_pb2.RESULT_KIND_COMPLETED,
                    delivery,
                    text=document.text,
                    pages=document.pages,
                    processing_result=to_struct(document.values),
                    field_details=to_struct(document.details),
                    needs_review=document.needs_review,
                )
                log.info(
                    "record %s: %d pages in %.2fs", job.record_id, len(document.pages), time.perf_counter() - started
                )
            except DocumentError as exc:  # the file itself is bad: retrying cannot help
                await self._fail(job, delivery, str(exc))
            except nats.errors.MaxPayloadError:
                await self._fail(
                    job,
                    delivery,
                    "the recognised result is larger than the NATS max_payload; "
                    "raise max_payload on the server or lower OCRBATCH_MAX_PAGES",
                )
            except (RetryableError, nats.errors.Error, TimeoutError) as exc:
                if delivery >= self._max_deliver:
                    await self._fail(job, delivery, f"gave up after {delivery} attempts: {exc}")
                else:
                    log.warning("record %s attempt %d failed, will retry: %s", job.record_id, delivery, exc)
                    await msg.nak(delay=min(2.0 * delivery, 30.0))
                    return
            except Exception as exc:  # an engine bug on this file: fail the record, keep the worker alive
                log.exception("record %s: unexpected error", job.record_id)
                await self._fail(job, delivery, f"internal error while reading the file ({type(exc).__name__})")
            finally:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat
            await msg.ack_sync()
            self.jobs_done += 1

    async def _keep_alive(self, msg: Msg) -> None:
        """Tells JetStream the job is still being worked on, so a long OCR is not redelivered."""
        while True:
            await asyncio.sleep(max(self._ack_wait_s / 3, 0.5))
            with contextlib.suppress(nats.errors.Error):
                await msg.in_progress()

    async def _read_file(self, record_id: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in self._files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id=record_id), timeout=120):
                size += len(chunk.data)
                if size > self._max_file_bytes:
                    raise DocumentError("the file is larger than this worker accepts")
                chunks.append(chunk.data)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise DocumentError("the uploaded file is no longer stored") from None
            raise RetryableError(f"reading the file from the batch service failed: {exc.code().name}") from None
        return b"".join(chunks)

    async def _fail(self, job: jobs_pb2.OcrJob, delivery: int, error: str) -> None:
        log.info("record %s failed: %s", job.record_id, error)
        await self._publish(job, jobs_pb2.RESULT_KIND_FAILED, delivery, error=error)

    async def _publish(self, job: jobs_pb2.OcrJob, kind: int, delivery: int, **fields: object) -> None:
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
        await self._js.publish(
            RESULTS_SUBJECT, result.SerializeToString(), headers=inject_headers({"Nats-Msg-Id": msg_id}), timeout=10
        )
