"""Use case: turn pending records into queued jobs (after an upload, a retry, or when NATS was down)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from ocrbatch.v1 import jobs_pb2
from services.batch.domain.model import Record
from services.batch.ports import Batches, JobPublisher, PublishFailed

log = logging.getLogger(__name__)


def job_for(record: Record) -> jobs_pb2.OcrJob:
    return jobs_pb2.OcrJob(
        template=record.template_snapshot,
        record_id=record.id,
        batch_id=record.batch_id,
        upload_id=record.upload_id,
        file_name=record.file_name,
        mime_type=record.mime_type,
        file_size=record.file_size,
        template_id=record.template_id or "",
        priority=record.priority,
        generation=record.generation,
        locale=record.locale.tag,
        locale_source=record.locale.source,
        quality=record.quality_asked,
        page_range=record.page_range,
        organization_id=record.organization_id,
        project_id=record.project_id,
        candidates=[jobs_pb2.Candidate(type=c.type, template=c.template) for c in record.candidates],
        one_document=record.one_document,
    )


async def publish_jobs(jobs: JobPublisher, records: list[Record]) -> list[str]:
    """Publishes the records' jobs in order until NATS refuses one; returns the ids of the records queued."""
    published: list[str] = []
    try:
        for record in records:
            await jobs.publish_job(job_for(record))
            published.append(record.id)
    except PublishFailed as exc:
        log.warning("published %d of %d jobs, the rest wait for re-queue: %s", len(published), len(records), exc)
    return published


async def publish_records(batches: Batches, jobs: JobPublisher, records: list[Record]) -> int:
    """Publishes jobs for pending records and marks the ones that reached the queue as queued; the rest stay
    pending for the re-queue loop."""
    published = await publish_jobs(jobs, records)
    if published:
        await batches.mark_queued(published, datetime.now(UTC))
    return len(published)
