"""Use cases of the processing history: filtered lists, per-status counts, and retrying a failed record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.batch.domain.corrections import Change
from services.batch.domain.model import Record, RecordQuery, Scope
from services.batch.domain.rules import FINAL_RECORD_STATUSES, RecordStatus
from services.batch.errors import InvalidArgument
from services.batch.ports import Batches, Corrections, JobPublisher
from services.batch.service.access import record_in_scope
from services.batch.service.jobs import publish_records
from services.batch.service.results import ResultApplier


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{name} must be a date as YYYY-MM-DD, got {value[:40]!r}") from None


def record_query(
    status: str | None,
    template_id: str,
    from_date: str,
    to_date: str,
    search: str,
    batch_id: str,
    needs_review: bool | None = None,
    oldest_first: bool = False,
) -> RecordQuery:
    start = _day(from_date, "fromDate") if from_date else None
    end = _day(to_date, "toDate") if to_date else None
    if start and end and start > end:
        raise InvalidArgument("fromDate is after toDate")
    return RecordQuery(
        status=status,
        template_id=template_id or None,
        created_from=datetime(start.year, start.month, start.day, tzinfo=UTC) if start else None,
        created_before=datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1) if end else None,
        search=search.strip()[:200] or None,
        batch_id=batch_id or None,
        needs_review=needs_review,
        oldest_first=oldest_first,
    )


async def stats(batches: Batches, scope: Scope) -> dict[str, int]:
    counts = await batches.record_counts(scope)
    review = counts.pop("needsReview", 0)
    return {
        "total": sum(counts.values()),
        "pending": counts.get(RecordStatus.PENDING, 0),
        "processing": counts.get(RecordStatus.QUEUED, 0) + counts.get(RecordStatus.IN_PROGRESS, 0),
        "completed": counts.get(RecordStatus.COMPLETED, 0),
        "failed": counts.get(RecordStatus.FAILED, 0),
        "needs_review": review,
    }


async def retry(
    batches: Batches,
    jobs: JobPublisher,
    applier: ResultApplier,
    scope: Scope,
    record_id: str,
    *,
    discard_corrections: bool = False,
    corrections: Corrections | None = None,
    actor: str = "",
) -> Record:
    """A failed or completed record goes back to the queue; its batch counts it as open again until the new
    result. People's corrections stay over the new reading unless discarded (which the log records)."""
    current = await record_in_scope(batches, scope, record_id)
    if current.status not in FINAL_RECORD_STATUSES:
        raise InvalidArgument(f"only failed or completed records can be retried; this one is {current.status.value}")
    at = datetime.now(UTC)
    record = await batches.requeue(scope, record_id, current.status, at, discard_corrections=discard_corrections)
    if record is None:
        raise InvalidArgument("the record changed while it was retried; try again")
    if discard_corrections and corrections is not None:
        await corrections.forget_record(record.id)  # what its corrections taught goes with them
    if discard_corrections and current.corrections and corrections is not None:
        await corrections.log(
            [
                Change(
                    record.id,
                    record.organization_id,
                    record.project_id,
                    record.batch_id,
                    "discarded",
                    actor,
                    at,
                    name,
                    c.value,
                    None,
                )
                for name, c in current.corrections.items()
            ]
        )
    await applier.announce(await batches.uncount_record(record, current.status, at))
    if await publish_records(batches, jobs, [record]):
        record.status = RecordStatus.QUEUED  # as stored; a worker may take it from here
    return record
