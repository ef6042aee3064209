"""Use case: a batch or record as its caller may see it. An id of nothing is 404; an id of another
organization's or project's batch or record is refused (401 at the gateway), and nothing of it is shown."""

from __future__ import annotations

from services.batch.domain.model import Batch, Record, Scope
from services.batch.errors import BatchServiceError, NotFound, NotYours
from services.batch.ports import Batches


def _missing(kind: str, item_id: str, owner: Scope | None, scope: Scope) -> BatchServiceError:
    if owner is None:
        return NotFound(f"{kind.lower()} {item_id} not found")
    if owner.organization_id != scope.organization_id:
        return NotYours(f"{kind} does not belong to the token's organization")
    return NotYours(f"{kind} does not belong to the token's scope")  # another project of the organization


async def batch_in_scope(batches: Batches, scope: Scope, batch_id: str) -> Batch:
    batch = await batches.get(scope, batch_id)
    if batch is None:
        raise _missing("Batch", batch_id, await batches.owner(batch_id), scope)
    return batch


async def record_in_scope(batches: Batches, scope: Scope, record_id: str) -> Record:
    record = await batches.get_record(scope, record_id)
    if record is None:
        raise _missing("Record", record_id, await batches.record_owner(record_id), scope)
    return record


async def refused(batches: Batches, scope: Scope, batch_id: str) -> BatchServiceError:
    """Why a write to a batch found nothing in the caller's scope."""
    return _missing("Batch", batch_id, await batches.owner(batch_id), scope)
