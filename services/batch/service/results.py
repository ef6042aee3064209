"""Use case: apply a worker's result to its record and batch exactly once, then announce progress.

Round trips per applied result: the record's outcome is one guarded update and a read of the record, the
batch's count one guarded update and a read of its counters (and a status write when the count moves the
batch's status, twice in its life). A crash between
them is mended by JetStream's redelivery: the record is already final, so only the count is applied, once,
and a status left behind its counters is settled."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ocrbatch.v1 import jobs_pb2
from services.batch.domain.corrections import with_corrections
from services.batch.domain.model import Batch, Outcome, Record
from services.batch.domain.rules import BatchStatus, became_final
from services.batch.ports import Batches, ProgressPublisher
from services.batch.service.webhooks import WebhookEvents
from services.common import metrics
from services.common.convert import in_field_order
from services.common.templates import needs_review

log = logging.getLogger(__name__)


def outcome_of(result: jobs_pb2.OcrResult, at: datetime) -> Outcome | None:
    if result.kind == jobs_pb2.RESULT_KIND_COMPLETED:
        return Outcome(
            completed=True,
            at=at,
            attempts=result.delivery,
            text=result.text,
            pages=list(result.pages),
            processing_result=in_field_order(result.processing_result, result.field_names)
            if result.HasField("processing_result")
            else {},
            field_details=in_field_order(result.field_details, result.field_names)
            if result.HasField("field_details")
            else {},
            needs_review=result.needs_review,
            issuer_keys=list(result.issuer_keys),
            quality=result.quality,
            parts=list(result.parts),
        )
    if result.kind == jobs_pb2.RESULT_KIND_FAILED:
        return Outcome(completed=False, at=at, attempts=result.delivery, error=result.error)
    return None


class ResultApplier:
    def __init__(
        self, batches: Batches, progress_events: ProgressPublisher, webhooks: WebhookEvents | None = None
    ) -> None:
        self._batches = batches
        self._events = progress_events
        self._webhooks = webhooks

    async def apply(self, result: jobs_pb2.OcrResult) -> None:
        """Idempotent: a redelivered or stale result changes nothing."""
        at = result.at.ToDatetime(tzinfo=UTC) if result.HasField("at") else datetime.now(UTC)
        if result.kind == jobs_pb2.RESULT_KIND_STARTED:  # from workers before ReadJobFile's start
            await self._batches.start_record(result.record_id, result.generation, result.delivery, at)
            metrics.RESULTS_APPLIED.labels("started").inc()
            return
        if result.kind == jobs_pb2.RESULT_KIND_PROGRESS:
            await self._progress(result, at)
            return
        outcome = outcome_of(result, at)
        if outcome is None:
            log.warning("ignoring result of unknown kind %s for record %s", result.kind, result.record_id)
            return
        if outcome.completed:  # people's corrections stay over a new reading of their record
            await self._keep_corrections(result.record_id, outcome)
        record = await self._batches.finish_record(result.record_id, result.generation, outcome)
        if record is not None:
            metrics.RESULTS_APPLIED.labels(outcome.status.value).inc()
            await self.count(record)

    async def _progress(self, result: jobs_pb2.OcrResult, at: datetime) -> None:
        """Pages read so far: kept on the record and told to the batch's WebSocket subscribers (best effort)."""
        record = await self._batches.record_progress(
            result.record_id, result.generation, result.pages_done, result.pages_total, at
        )
        if record is None:
            return
        metrics.RESULTS_APPLIED.labels("progress").inc()
        event = {
            "event": "record_progress_updated",
            "batchId": record.batch_id,
            "recordId": record.id,
            "pagesDone": record.pages_done,
            "pagesTotal": record.pages_total,
        }
        try:
            await self._events.publish_progress(record.batch_id, event)
        except Exception as exc:  # progress events are best effort; the record is the truth
            log.warning("could not publish progress for record %s: %s", record.id, exc)

    async def _keep_corrections(self, record_id: str, outcome: Outcome) -> None:
        record = await self._batches.record_state(record_id)
        if record is None or not record.corrections:
            return
        outcome.processing_result, outcome.field_details = with_corrections(
            outcome.processing_result, outcome.field_details, record.corrections
        )
        template = record.fields_template
        if template is not None:
            outcome.needs_review = needs_review(template, outcome.field_details)

    async def count(self, record: Record) -> None:
        """Counts a final record into its batch (at most once), which moves the batch's status and progress."""
        before, batch = await self._batches.count_record(record, datetime.now(UTC))
        await self.settled(before, batch)

    async def settled(self, before: BatchStatus | None, batch: Batch | None) -> None:
        """After a batch changed from status `before`: progress to subscribers, and when it became final, the
        time-to-final metric and batch.completed."""
        await self.announce(batch)
        if batch is not None and became_final(before, batch.status):
            metrics.BATCH_SECONDS_TO_FINAL.observe((batch.updated_at - batch.created_at).total_seconds())
        if self._webhooks is not None:
            await self._webhooks.batch_changed(before, batch)

    async def announce(self, batch: Batch | None) -> None:
        if batch is None:
            return
        try:
            await self._events.publish_progress(batch.id, batch.progress_event())
        except Exception as exc:  # progress events are best effort; the batch document is the truth
            log.warning("could not publish progress for batch %s: %s", batch.id, exc)
