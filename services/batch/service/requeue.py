"""Use cases run on a timer: publish jobs for records that were stored but never reached JetStream (NATS
was down), and sweep what an upload interrupted by a crash left behind."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from services.batch.ports import Batches, Blobs, JobPublisher
from services.batch.service.jobs import publish_records
from services.batch.service.webhooks import WebhookEvents

log = logging.getLogger(__name__)


async def requeue_pending(batches: Batches, jobs: JobPublisher, *, older_than_s: float, limit: int = 500) -> int:
    records = await batches.pending_records(datetime.now(UTC) - timedelta(seconds=older_than_s), limit)
    if not records:
        return 0
    queued = await publish_records(batches, jobs, records)
    log.info("re-queued %d of %d pending records", queued, len(records))
    return queued


async def requeue_loop(
    batches: Batches,
    jobs: JobPublisher,
    interval_s: float,
    stop: asyncio.Event,
    webhooks: WebhookEvents | None = None,
) -> None:
    """Every interval: jobs of records that never reached NATS, and webhook events that did not either."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            await requeue_pending(batches, jobs, older_than_s=interval_s)
            if webhooks is not None:
                await webhooks.republish_unsent()


async def sweep_orphans(batches: Batches, blobs: Blobs, *, older_than_s: float) -> int:
    report = await batches.sweep(datetime.now(UTC) - timedelta(seconds=older_than_s))
    for blob_id in report.blob_ids:
        await blobs.delete(blob_id)
    if report.committed or report.removed or report.blob_ids:
        log.warning(
            "orphan sweep: %d records committed, %d removed, %d files deleted",
            report.committed,
            report.removed,
            len(report.blob_ids),
        )
    return report.committed + report.removed + len(report.blob_ids)


async def sweep_loop(
    batches: Batches, blobs: Blobs, interval_s: float, older_than_s: float, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        except TimeoutError:
            await sweep_orphans(batches, blobs, older_than_s=older_than_s)
