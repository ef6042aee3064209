"""In-memory fakes of the batch service's ports (services/batch/ports.py), for fast unit tests of its use
cases. They keep the contract the MongoDB adapters are held to in tests/integration/batch/test_store_contract.py:
scoping, soft deletion, a record finished once per generation, a batch changed over the version read."""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from ocrbatch.v1 import jobs_pb2, templates_pb2
from services.batch.domain.corrections import Change, Example
from services.batch.domain.model import (
    ApiKey,
    Batch,
    Organization,
    Outcome,
    Project,
    ProjectChanges,
    Record,
    RecordQuery,
    Scope,
    StoredBlob,
    Upload,
    User,
)
from services.batch.domain.rules import BatchStatus, RecordStatus
from services.batch.ports import PublishFailed, SweepReport

_ids = itertools.count(1)


def new_id() -> str:
    return f"{next(_ids):024x}"


def _in(scope: Scope | None, organization_id: str, project_id: str) -> bool:
    return scope is None or (scope.organization_id, scope.project_id) == (organization_id, project_id)


class FakeBlobWriter:
    def __init__(self, blobs: FakeBlobs) -> None:
        self._blobs = blobs
        self._data = bytearray()

    async def write(self, data: bytes) -> None:
        self._data += data

    async def finish(self) -> StoredBlob:
        blob_id = new_id()
        self._blobs.stored[blob_id] = bytes(self._data)
        return StoredBlob(blob_id, len(self._data), hashlib.sha256(self._data).hexdigest())

    async def abort(self) -> None:
        self._data.clear()


class FakeBlobs:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    async def open_writer(self, file_name: str, mime_type: str) -> FakeBlobWriter:
        return FakeBlobWriter(self)

    async def read(self, blob_id: str) -> AsyncIterator[bytes]:
        if blob_id in self.stored:
            yield self.stored[blob_id]

    async def delete(self, blob_id: str) -> None:
        self.stored.pop(blob_id, None)


class FakeBatches:
    def __init__(self) -> None:
        self.batches: dict[str, Batch] = {}
        self.records: dict[str, Record] = {}
        self.uploads: dict[str, Upload] = {}
        self.uncommitted: set[str] = set()  # records of streamed uploads still going on

    def new_id(self) -> str:
        return new_id()

    def _visible(self, record: Record) -> bool:
        return record.id not in self.uncommitted

    async def add_file(self, upload: Upload, record: Record) -> None:
        self.uploads[upload.id] = copy.deepcopy(upload)
        self.records[record.id] = copy.deepcopy(record)
        self.uncommitted.add(record.id)

    async def commit_upload(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        batch = await self.change(batch_id, change)
        if batch is not None:
            self.uncommitted -= {r.id for r in self.records.values() if r.batch_id == batch_id}
        return batch

    async def discard(self, batch_id: str) -> None:
        for record in [r for r in self.records.values() if r.batch_id == batch_id and not self._visible(r)]:
            del self.records[record.id]
            self.uncommitted.discard(record.id)
        self.uploads = {k: u for k, u in self.uploads.items() if u.batch_id != batch_id}
        if batch_id in self.batches and self.batches[batch_id].receiving:
            del self.batches[batch_id]

    async def add(self, batch: Batch, uploads: list[Upload], records: list[Record]) -> None:
        self.uploads |= {u.id: copy.deepcopy(u) for u in uploads}
        self.records |= {r.id: copy.deepcopy(r) for r in records}
        self.batches[batch.id] = copy.deepcopy(batch)

    async def get(self, scope: Scope, batch_id: str, *, with_ids: bool = True) -> Batch | None:
        batch = self.batches.get(batch_id)
        if batch is None or batch.deleted_at or batch.receiving:
            return None
        if not _in(scope, batch.organization_id, batch.project_id):
            return None
        return copy.deepcopy(batch)

    async def list(self, scope: Scope, page: int, limit: int, status: str | None) -> tuple[list[Batch], int]:
        found = [
            b
            for b in self.batches.values()
            if not b.deleted_at and not b.receiving and _in(scope, b.organization_id, b.project_id)
        ]
        found = [b for b in found if status is None or b.status == status]
        found.sort(key=lambda b: (b.created_at, b.id), reverse=True)
        return copy.deepcopy(found[(page - 1) * limit : page * limit]), len(found)

    async def soft_delete(self, scope: Scope, batch_id: str, at: datetime) -> Batch | None:
        batch = await self.get(scope, batch_id)
        if batch is None:
            return None
        self.batches[batch_id].deleted_at = at
        return batch

    async def uncount_record(self, record: Record, was: RecordStatus, at: datetime) -> Batch | None:
        return await self.change(record.batch_id, lambda batch: batch.uncount(record, was, at))

    async def document_uploaded(self, batch_id: str, upload_id: str, at: datetime) -> Batch | None:
        return await self.change(batch_id, lambda batch: batch.document_uploaded(upload_id, at))

    async def count_record(self, record: Record, at: datetime) -> tuple[BatchStatus | None, Batch | None]:
        stored = self.batches.get(record.batch_id)
        before = stored.status if stored else None
        return before, await self.change(record.batch_id, lambda batch: batch.count(record, at))

    async def change(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        batch = copy.deepcopy(self.batches.get(batch_id))
        if batch is None or not change(batch):
            return None
        batch.version += 1
        self.batches[batch_id] = batch
        return copy.deepcopy(batch)

    async def get_record(self, scope: Scope | None, record_id: str) -> Record | None:
        record = self.records.get(record_id)
        if record is None or not _in(scope, record.organization_id, record.project_id):
            return None
        if scope is not None and (self.batches[record.batch_id].deleted_at or not self._visible(record)):
            return None
        return copy.deepcopy(record)

    async def stream_records(
        self, scope: Scope, batch_id: str, status: str | None, include_text: bool, include_pages: bool, limit: int = 0
    ) -> AsyncIterator[Record]:
        found = sorted(
            (
                r
                for r in self.records.values()
                if r.batch_id == batch_id and self._visible(r) and (status is None or r.status == status)
            ),
            key=lambda r: r.seq,
        )
        for record in found[: limit or None]:
            yield copy.deepcopy(record)

    async def list_records(self, scope: Scope, query: RecordQuery, page: int, limit: int) -> tuple[list[Record], int]:
        raise NotImplementedError("the processing history's filters are tested against MongoDB")

    async def record_counts(self, scope: Scope) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.records.values():
            if _in(scope, r.organization_id, r.project_id) and self._visible(r):
                counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    async def pending_records(self, older_than: datetime, limit: int) -> list[Record]:
        pending = [
            r
            for r in self.records.values()
            if r.status == RecordStatus.PENDING and r.created_at < older_than and self._visible(r)
        ]
        return copy.deepcopy(pending[:limit])

    async def mark_queued(self, record_ids: list[str], at: datetime) -> None:
        for record_id in record_ids:
            if self.records[record_id].status == RecordStatus.PENDING:
                self.records[record_id].status = RecordStatus.QUEUED

    async def record_progress(
        self, record_id: str, generation: int, done: int, total: int, at: datetime
    ) -> Record | None:
        record = self.records.get(record_id)
        if record is None or record.generation != generation or not record.is_open:
            return None
        record.pages_done, record.pages_total = max(record.pages_done, done), total
        return copy.deepcopy(record)

    async def start_record(self, record_id: str, generation: int, delivery: int, at: datetime) -> Record | None:
        record = self.records.get(record_id)
        if record and record.generation == generation and record.is_open:
            record.status, record.attempts = RecordStatus.IN_PROGRESS, delivery
            record.started_at = min(record.started_at or at, at)
        return copy.deepcopy(record)

    async def finish_record(self, record_id: str, generation: int, outcome: Outcome) -> Record | None:
        record = self.records.get(record_id)
        if record is None or record.generation != generation:
            return None
        if record.is_open:
            record.status, record.completed_at, record.attempts = outcome.status, outcome.at, max(outcome.attempts, 1)
            if outcome.completed:
                record.text, record.pages = outcome.text, list(outcome.pages)
                record.processing_result, record.field_details = outcome.processing_result, outcome.field_details
                record.needs_review, record.error = outcome.needs_review, None
                record.issuer_keys = list(outcome.issuer_keys)
                record.pages_done = record.pages_total = len(outcome.pages)
            else:
                record.error = outcome.error or "processing failed"
        return copy.deepcopy(record) if record.is_final else None

    async def requeue(
        self, scope: Scope, record_id: str, was: RecordStatus, at: datetime, *, discard_corrections: bool = False
    ) -> Record | None:
        record = self.records.get(record_id)
        if record is None or not _in(scope, record.organization_id, record.project_id):
            return None
        if record.status != was:
            return None
        record.status, record.error, record.attempts, record.retried_at = RecordStatus.PENDING, None, 0, at
        record.generation += 1
        record.pages_done = 0
        record.started_at = record.completed_at = None
        if discard_corrections:
            record.corrections = {}
        record.reviewed_at, record.reviewed_by = None, ""
        return copy.deepcopy(record)

    async def save_review(self, record: Record, at: datetime) -> bool:
        stored = self.records.get(record.id)
        if stored is None or stored.generation != record.generation or stored.status != RecordStatus.COMPLETED:
            return False
        if stored.updated_at != record.updated_at or self.batches[record.batch_id].deleted_at:
            return False
        stored.processing_result, stored.field_details = record.processing_result, record.field_details
        stored.needs_review, stored.corrections = record.needs_review, dict(record.corrections)
        stored.reviewed_at, stored.reviewed_by, stored.updated_at = record.reviewed_at, record.reviewed_by, at
        return True

    async def record_state(self, record_id: str) -> Record | None:
        record = self.records.get(record_id)
        return copy.deepcopy(record) if record else None

    async def owner(self, batch_id: str) -> Scope | None:
        batch = self.batches.get(batch_id)
        if batch is None or batch.deleted_at or batch.receiving:
            return None
        return Scope(batch.organization_id, batch.project_id)

    async def record_owner(self, record_id: str) -> Scope | None:
        record = self.records.get(record_id)
        return Scope(record.organization_id, record.project_id) if record else None

    async def sweep(self, older_than: datetime) -> SweepReport:
        return SweepReport()  # writes here are all-or-nothing: nothing is ever left half done


class FakeCorrections:
    def __init__(self) -> None:
        self.logged: list[Change] = []
        self.kept: list[Example] = []

    async def log(self, changes: list[Change]) -> None:
        self.logged += changes

    async def changes(self, record_id: str) -> list[Change]:
        return [c for c in self.logged if c.record_id == record_id]

    async def keep_example(self, example: Example, keep: int) -> None:
        self.kept = [e for e in self.kept if (e.record_id, e.field) != (example.record_id, example.field)]
        self.kept.append(example)
        same = [e for e in self.kept if (e.issuer_id, e.field) == (example.issuer_id, example.field)]
        for stale in sorted(same, key=lambda e: e.at, reverse=True)[keep:]:
            self.kept.remove(stale)

    async def examples(self, organization_id: str, project_id: str, limit: int) -> list[Example]:
        own = [e for e in self.kept if (e.organization_id, e.project_id) == (organization_id, project_id)]
        return sorted(own, key=lambda e: e.at, reverse=True)[:limit]

    async def forget_batch(self, batch_id: str) -> None:
        self.kept = [e for e in self.kept if e.batch_id != batch_id]

    async def forget_record(self, record_id: str, fields: list[str] | None = None) -> None:
        self.kept = [e for e in self.kept if e.record_id != record_id or (fields is not None and e.field not in fields)]


class FakeTenancy:
    def __init__(self) -> None:
        self.organizations: dict[str, Organization] = {}
        self.projects: dict[str, Project] = {}
        self.keys: dict[str, ApiKey] = {}
        self.users: dict[str, User] = {}

    def new_id(self) -> str:
        return new_id()

    async def add_organization(self, organization: Organization) -> None:
        self.organizations[organization.id] = copy.deepcopy(organization)

    async def list_organizations(self) -> list[Organization]:
        return copy.deepcopy(list(self.organizations.values()))

    async def get_organization(self, organization_id: str) -> Organization | None:
        return copy.deepcopy(self.organizations.get(organization_id))

    async def add_credits(self, organization_id: str, credits: int) -> Organization | None:
        organization = self.organizations.get(organization_id)
        if organization is None or organization.credits + credits < 0:
            return None
        organization.credits += credits
        return copy.deepcopy(organization)

    async def charge_credits(self, organization_id: str, credits: int) -> bool:
        organization = self.organizations.get(organization_id)
        if organization is None or organization.credits < credits:
            return False
        organization.credits -= credits
        return True

    async def add_project(self, project: Project) -> None:
        self.projects[project.id] = copy.deepcopy(project)

    async def list_projects(self, organization_id: str) -> list[Project]:
        return [copy.deepcopy(p) for p in self.projects.values() if p.organization_id == organization_id]

    async def project_exists(self, organization_id: str, project_id: str) -> bool:
        project = self.projects.get(project_id)
        return project is not None and project.organization_id == organization_id

    async def get_project(self, organization_id: str, project_id: str) -> Project | None:
        project = self.projects.get(project_id)
        return copy.deepcopy(project) if project is not None and project.organization_id == organization_id else None

    async def update_project(self, project_id: str, changes: ProjectChanges) -> Project | None:
        project = self.projects.get(project_id)
        if project is None:
            return None
        project.name = changes.name if changes.name is not None else project.name
        project.locale = changes.locale if changes.locale is not None else project.locale
        return copy.deepcopy(project)

    async def add_api_key(self, key: ApiKey) -> None:
        self.keys[key.id] = copy.deepcopy(key)

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        return next((copy.deepcopy(k) for k in self.keys.values() if k.key_hash == key_hash and not k.revoked_at), None)

    async def list_api_keys(self, organization_id: str) -> list[ApiKey]:
        return [copy.deepcopy(k) for k in self.keys.values() if k.organization_id == organization_id]

    async def revoke_api_key(self, key_id: str, at: datetime) -> ApiKey | None:
        key = self.keys.get(key_id)
        if key is None:
            return None
        key.revoked_at = at
        return copy.deepcopy(key)

    async def add_user(self, user: User) -> bool:
        if any(u.email == user.email for u in self.users.values()):
            return False
        self.users[user.id] = copy.deepcopy(user)
        return True

    async def get_user(self, user_id: str) -> User | None:
        return copy.deepcopy(self.users.get(user_id))

    async def find_user(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self.users.values() if u.email == email), None)

    async def list_users(self, organization_id: str) -> list[User]:
        return [copy.deepcopy(u) for u in self.users.values() if u.organization_id == organization_id]

    async def disable_user(self, user_id: str, at: datetime) -> User | None:
        user = self.users.get(user_id)
        if user is None:
            return None
        user.disabled_at = at
        return copy.deepcopy(user)


class FakeTemplates:
    def __init__(self) -> None:
        self.stored: dict[str, tuple[Scope, templates_pb2.Template]] = {}

    def new_id(self) -> str:
        return new_id()

    async def get(self, scope: Scope, template_id: str) -> templates_pb2.Template | None:
        found = self.stored.get(template_id)
        return found[1] if found and found[0] == scope else None

    async def list(self, scope: Scope) -> list[templates_pb2.Template]:
        return [t for s, t in self.stored.values() if s == scope]

    async def add(self, scope: Scope, template: templates_pb2.Template, at: datetime) -> templates_pb2.Template:
        self.stored[template.id] = (scope, template)
        return template

    async def replace(
        self, scope: Scope, template: templates_pb2.Template, at: datetime
    ) -> templates_pb2.Template | None:
        if await self.get(scope, template.id) is None:
            return None
        return await self.add(scope, template, at)

    async def soft_delete(self, scope: Scope, template_id: str, at: datetime) -> templates_pb2.Template | None:
        found = await self.get(scope, template_id)
        if found is not None:
            del self.stored[template_id]
        return found


class RecordingJobs:
    """A message bus that keeps what it was given; `down` makes it refuse, as NATS does when unreachable."""

    def __init__(self) -> None:
        self.jobs: list[jobs_pb2.OcrJob] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.down = False

    async def publish_job(self, job: jobs_pb2.OcrJob) -> None:
        if self.down:
            raise PublishFailed("NATS is down (fake)")
        self.jobs.append(job)

    async def publish_progress(self, batch_id: str, event: dict[str, Any]) -> None:
        self.events.append((batch_id, event))
