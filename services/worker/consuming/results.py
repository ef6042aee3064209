"""A job's outcome published on ocr.results, where the batch service applies it once: the document read, or why
its file cannot be read."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import nats.errors
from nats.js import JetStreamContext

from ocrbatch.v1 import jobs_pb2
from services.common.convert import to_struct
from services.common.jetstream import RESULTS_SUBJECT
from services.common.telemetry import inject_headers
from services.worker.classification import part_proto
from services.worker.consuming import job_metrics
from services.worker.consuming.backoff import Released, Unreachable, until_reachable
from services.worker.pipeline import DocumentText

log = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 10


@dataclass(frozen=True)
class Recognised:
    document: DocumentText
    seconds: float  # from taking the job to its text and values
    quality: str  # the reading quality that read it


@dataclass(frozen=True)
class Unreadable:
    reason: str  # the ocrbatch_job_failures label
    error: str  # what the record says


Outcome = Recognised | Unreadable


class ResultPublisher:
    def __init__(self, js: JetStreamContext, worker_id: str, stop: asyncio.Event) -> None:
        self._js = js
        self._worker_id = worker_id
        self.stop = stop  # a stopping worker stops waiting for NATS and gives the job back (Released)

    async def publish(self, job: jobs_pb2.OcrJob, delivery: int, outcome: Outcome) -> None:
        """Publishes the outcome, trying again while NATS is away. A result NATS cannot hold (over its
        max_payload) or cannot be built fails the record instead. Raises Released when the worker stops first."""
        if isinstance(outcome, Recognised):
            outcome = await self._completed(job, delivery, outcome)
            if outcome is None:
                return
        job_metrics.failed(job, outcome.reason)
        log.info("record %s failed: %s", job.record_id, outcome.error)
        await self._send(job, jobs_pb2.RESULT_KIND_FAILED, delivery, error=outcome.error)

    async def _completed(self, job: jobs_pb2.OcrJob, delivery: int, outcome: Recognised) -> Unreadable | None:
        document = outcome.document
        try:
            await self._send(
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
                quality=outcome.quality,
                parts=[part_proto(part) for part in document.parts],
            )
        except nats.errors.MaxPayloadError:
            return Unreadable(
                "result_too_large",
                "the recognised result is larger than the NATS max_payload; "
                "raise max_payload on the server or lower OCRBATCH_MAX_PAGES",
            )
        except Released:
            raise
        except Exception as exc:  # a result that cannot be built or sent: fail the record, as an engine bug
            log.exception("record %s: unexpected error publishing its result", job.record_id)
            return Unreadable("engine_error", f"internal error while reading the file ({type(exc).__name__})")
        log.info(
            "record %s: %d pages in %.2fs (%s)", job.record_id, len(document.pages), outcome.seconds, outcome.quality
        )
        job_metrics.completed(job, len(document.pages), outcome.seconds)
        return None

    async def progress(self, job: jobs_pb2.OcrJob, delivery: int, done: int, total: int) -> None:
        """Pages read so far, once, best effort: one that does not get through only leaves the record's count behind
        until the next (or the result)."""
        try:
            await self._send_once(job, jobs_pb2.RESULT_KIND_PROGRESS, delivery, pages_done=done, pages_total=total)
        except Exception as exc:  # noqa: BLE001 (NATS away, or anything else: never the job's concern)
            log.debug("record %s: progress %d/%d not published: %r", job.record_id, done, total, exc)

    async def _send(self, job: jobs_pb2.OcrJob, kind: int, delivery: int, **fields: object) -> None:
        await until_reachable(
            f"publishing the result of record {job.record_id}",
            lambda: self._send_once(job, kind, delivery, **fields),
            self.stop,
        )

    async def _send_once(self, job: jobs_pb2.OcrJob, kind: int, delivery: int, **fields: object) -> None:
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
        # the message id makes a repeat (a retry after a lost answer, a redelivered job) harmless
        msg_id = f"{job.record_id}.{job.generation}.{delivery}.{jobs_pb2.ResultKind.Name(kind)}"
        if kind == jobs_pb2.RESULT_KIND_PROGRESS:
            msg_id += f".{result.pages_done}"
        try:
            await self._js.publish(
                RESULTS_SUBJECT,
                result.SerializeToString(),
                headers=inject_headers({"Nats-Msg-Id": msg_id}),
                timeout=PUBLISH_TIMEOUT_S,
            )
        except nats.errors.MaxPayloadError:
            raise
        except (nats.errors.Error, TimeoutError) as exc:
            raise Unreachable(f"NATS did not take the result ({exc!r})") from None
