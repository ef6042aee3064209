"""Use case: apply a worker's result to its record and batch exactly once, then announce progress."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from ocrbatch.v1 import jobs_pb2
from services.batch.adapters.store import Doc, Store
from services.batch.domain.rules import FINAL_RECORD_STATUSES, RecordStatus, batch_status, progress
from services.common.api_json import pages_json
from services.common.convert import struct_to_dict
from services.common.flatten import flatten

log = logging.getLogger(__name__)


class ProgressPublisher(Protocol):
    async def publish_progress(self, batch_id: str, event: dict[str, Any]) -> None: ...


class ResultApplier:
    def __init__(self, store: Store, progress_events: ProgressPublisher) -> None:
        self._store = store
        self._events = progress_events

    async def apply(self, result: jobs_pb2.OcrResult) -> None:
        """Idempotent: a redelivered or stale result changes nothing."""
        at = result.at.ToDatetime(tzinfo=UTC) if result.HasField("at") else datetime.now(UTC)
        if result.kind == jobs_pb2.RESULT_KIND_STARTED:
            await self._store.mark_record_started(result.record_id, result.generation, result.delivery, at)
            return
        if result.kind == jobs_pb2.RESULT_KIND_COMPLETED:
            fields: Doc = {
                "status": RecordStatus.COMPLETED,
                "text": result.text,
                "pages": pages_json(result.pages),
                "processingResult": struct_to_dict(result.processing_result)
                if result.HasField("processing_result")
                else {},
                "fieldDetails": struct_to_dict(result.field_details) if result.HasField("field_details") else {},
                "needsReview": result.needs_review,
                "error": None,
            }
        elif result.kind == jobs_pb2.RESULT_KIND_FAILED:
            fields = {"status": RecordStatus.FAILED, "error": result.error or "processing failed"}
        else:
            log.warning("ignoring result of unknown kind %s for record %s", result.kind, result.record_id)
            return
        fields |= {"completedAt": at, "updatedAt": at, "attempts": max(result.delivery, 1)}
        await self._store.finish_record(result.record_id, result.generation, fields)
        await self.count_final_record(result.record_id)

    async def count_final_record(self, record_id: str) -> None:
        """Counts a final record into its batch (at most once) and moves the batch's status and progress."""
        record = await self._store.get_record_unscoped(record_id)
        if record is None or record["status"] not in FINAL_RECORD_STATUSES:
            return
        at = datetime.now(UTC)
        completed = record["status"] == RecordStatus.COMPLETED
        fields = list(flatten(record.get("processingResult") or {})) if completed else []
        batch = await self._store.count_record_outcome(record["batchId"], record_id, record["status"], at, fields)
        await self.settle_batch(batch, at)

    async def settle_batch(self, batch: Doc | None, at: datetime) -> None:
        """Derives the batch's status and progress from its counters, stores them, and announces them."""
        if batch is None:
            return
        total, completed, failed = batch["totalFiles"], batch["completedFiles"], batch["failedFiles"]
        status, pct = batch_status(total, completed, failed), progress(total, completed, failed)
        await self._store.set_batch_progress(batch["id"], completed, failed, status, pct, at)
        event = {
            "event": "batch_progress_updated",
            "batchId": batch["id"],
            "totalFiles": total,
            "completedFiles": completed,
            "failedFiles": failed,
            "progress": pct,
            "status": status.value,
        }
        try:
            await self._events.publish_progress(batch["id"], event)
        except Exception as exc:  # progress events are best effort; the batch document is the truth
            log.warning("could not publish progress for batch %s: %s", batch["id"], exc)
