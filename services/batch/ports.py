"""What the use cases need from the outside world, one small port per aggregate; adapters implement them
(MongoDB, GridFS, JetStream), the in-memory fakes in tests/support/fakes.py too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ocrbatch.v1 import jobs_pb2, templates_pb2
from services.batch.domain.corrections import Change, Example
from services.batch.domain.idempotency import KeyUse, StoredAnswer
from services.batch.domain.model import (
    ApiKey,
    Batch,
    CandidateType,
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
from services.batch.domain.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint


class FetchFailed(Exception):
    """A document could not be fetched by its URL; the message says why (an HTTP status, a network error)."""


@dataclass
class FetchedDocument:
    mime_type: str  # as the server declared it ("" when it did not); the worker sniffs the bytes
    chunks: AsyncIterator[bytes]  # raises FetchFailed when the transfer breaks


class DocumentFetcher(Protocol):
    """Fetches a client's document by its URL, only from addresses the service may call."""

    async def refused(self, url: str) -> str | None:
        """Why the URL may not be fetched, or None when it may."""
        ...

    def fetch(self, url: str, max_bytes: int) -> AbstractAsyncContextManager[FetchedDocument]:
        """The document's bytes as they arrive; FetchFailed before the first when it cannot be had."""
        ...


@dataclass
class SweepReport:
    """What the orphan sweep found: see Batches.sweep."""

    committed: int = 0  # records whose batch was written, but not the records' commit
    removed: int = 0  # records and uploads whose batch never was
    blob_ids: list[str] = field(default_factory=list)  # files no upload holds, for the blob store to delete


class PublishFailed(Exception):
    """The message bus did not take a message (down, slow, or refusing): the caller may try again later."""


class BlobWriter(Protocol):
    async def write(self, data: bytes) -> None: ...
    async def finish(self) -> StoredBlob: ...
    async def abort(self) -> None: ...


class Blobs(Protocol):
    async def open_writer(self, file_name: str, mime_type: str) -> BlobWriter: ...
    def read(self, blob_id: str) -> AsyncIterator[bytes]: ...
    async def delete(self, blob_id: str) -> None: ...


class Batches(Protocol):
    """Batches with their uploads and records: one aggregate, since a batch's counters follow its records."""

    def new_id(self) -> str: ...
    async def add(self, batch: Batch, uploads: list[Upload], records: list[Record]) -> None: ...
    async def get(self, scope: Scope, batch_id: str, *, with_ids: bool = True) -> Batch | None:
        """with_ids=False leaves out what grows with the batch (its record and upload ids, counted ids)."""
        ...

    async def owner(self, batch_id: str) -> Scope | None:
        """The organization and project of a batch that is not deleted, whoever asks."""
        ...

    async def record_owner(self, record_id: str) -> Scope | None: ...
    async def list(self, scope: Scope, page: int, limit: int, status: str | None) -> tuple[list[Batch], int]: ...
    async def soft_delete(self, scope: Scope, batch_id: str, at: datetime) -> Batch | None: ...
    async def change(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        """Applies `change` to the stored batch and stores the result in one update, made only over the
        version it read (retrying on a concurrent change); None when the batch is unknown or `change`
        changed nothing."""
        ...

    async def count_record(self, record: Record, at: datetime) -> tuple[BatchStatus | None, Batch | None]:
        """Counts a final record into its batch at most once (as `Batch.count`), in one update, and moves the
        batch's status to what its counters give; (the status before, the batch after), the batch None when
        nothing changed (counted before, or an unknown batch). A batch read after the count may lack its id
        lists (`record_ids`, `upload_ids`); one whose status moved has them."""
        ...

    async def uncount_record(self, record: Record, was: RecordStatus, at: datetime) -> Batch | None:
        """Takes a record that was final (`was`) back out of its batch's counters (it is being read again), as
        `Batch.uncount`, in one update; the batch after (without its id lists), None when it was not counted."""
        ...

    async def document_uploaded(self, batch_id: str, upload_id: str, at: datetime) -> Batch | None:
        """One declared document came, as this upload (`Batch.document_uploaded`), in one update; the batch
        after (without its id lists), None when no document was waiting."""
        ...

    async def add_file(self, upload: Upload, record: Record) -> None:
        """One file of a streamed upload (its batch added first, receiving): hidden with the batch until
        commit_upload, but its job may run and its result be counted meanwhile."""
        ...

    async def commit_upload(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        """Applies `change` (which closes the upload) as change() does, and shows the batch with its files."""
        ...

    async def discard(self, batch_id: str) -> None:
        """Removes a batch still receiving, with the records and uploads added to it (a failed upload)."""
        ...

    async def get_record(self, scope: Scope | None, record_id: str) -> Record | None:
        """A record as `scope` sees it; with no scope (internal readers) also a file of an upload going on."""
        ...

    def stream_records(
        self, scope: Scope, batch_id: str, status: str | None, include_text: bool, include_pages: bool, limit: int = 0
    ) -> AsyncIterator[Record]: ...
    async def list_records(
        self, scope: Scope, query: RecordQuery, page: int, limit: int
    ) -> tuple[list[Record], int]: ...
    async def record_counts(self, scope: Scope) -> dict[str, int]: ...
    async def pending_records(self, older_than: datetime, limit: int) -> list[Record]: ...
    async def mark_queued(self, record_ids: list[str], at: datetime) -> None: ...
    async def record_progress(
        self, record_id: str, generation: int, done: int, total: int, at: datetime
    ) -> Record | None:
        """Sets how many pages of an open record of this generation are read (never fewer than before) and returns
        it, without its text and pages; None when it is final, of another generation, or unknown."""
        ...

    async def start_record(self, record_id: str, generation: int, delivery: int, at: datetime) -> Record | None:
        """Marks an open record of this generation in progress (attempt `delivery`, started at the first
        `at`) and returns it, without its text and pages; a record that is final or of another generation
        is returned unchanged; None when it is unknown."""
        ...

    async def finish_record(self, record_id: str, generation: int, outcome: Outcome) -> Record | None:
        """Sets a record's outcome once; returns the record when it is final in this generation (now or
        before: a redelivered result still gets it counted), None when it is unknown or of another one."""
        ...

    async def requeue(
        self, scope: Scope, record_id: str, was: RecordStatus, at: datetime, *, discard_corrections: bool = False
    ) -> Record | None:
        """A record still `was` (failed or completed) becomes pending again, in a new generation (results of the
        old one are ignored), its corrections kept unless discarded; None when it is not `was` any more."""
        ...

    async def save_review(self, record: Record, at: datetime) -> bool:
        """Stores a completed record's corrected values, details, corrections and review state, made on the
        record as it was read (its updatedAt); False when it changed since (another correction, a new reading,
        its batch deleted). Its fields join its batch's export columns."""
        ...

    async def record_state(self, record_id: str) -> Record | None:
        """A record without its reading (text, pages, values): its status, template and corrections."""
        ...

    async def declared_record(self, batch_id: str, seq: int) -> Record | None:
        """The record of a batch's seq-th declared document, whatever its status."""
        ...

    async def attach_upload(
        self,
        record_id: str,
        upload: Upload,
        template: templates_pb2.Template | None,
        at: datetime,
        candidates: list[CandidateType] | None = None,
    ) -> Record | None:
        """A waiting record gets its file (and its batch's template, or the types a portfolio is classified
        among) and becomes pending, once; None if it was not waiting."""
        ...

    async def fail_waiting(self, record_id: str, error: str, at: datetime) -> Record | None:
        """A waiting record fails without its document (it could not be fetched), once: its batch waits for
        one document less. None if it was not waiting."""
        ...

    async def sweep(self, older_than: datetime) -> SweepReport:
        """Settles uploads a crash interrupted before `older_than` (only possible without transactions):
        records whose batch exists become visible, the others are removed with their uploads; reports the
        files nothing holds any more."""
        ...


class Corrections(Protocol):
    """The log of people's changes to records, and the examples the changes teach, per project."""

    async def log(self, changes: list[Change]) -> None: ...
    async def changes(self, record_id: str) -> list[Change]:
        """A record's changes, oldest first."""
        ...

    async def keep_example(self, example: Example, keep: int) -> None:
        """Stores an example in place of its record's earlier one for the field, and keeps only the latest
        `keep` of its issuer and field."""
        ...

    async def examples(self, organization_id: str, project_id: str, limit: int) -> list[Example]:
        """A project's latest examples, latest first."""
        ...

    async def forget_batch(self, batch_id: str) -> None:
        """Deletes the examples of a deleted batch's records (their log stays with the records)."""
        ...

    async def forget_record(self, record_id: str, fields: list[str] | None = None) -> None:
        """Deletes what a record taught: for these fields, or all of it."""
        ...


class Templates(Protocol):
    """A project's own templates (the built-in ones are not stored)."""

    def new_id(self) -> str: ...
    async def get(self, scope: Scope, template_id: str) -> templates_pb2.Template | None: ...
    async def list(self, scope: Scope) -> list[templates_pb2.Template]: ...
    async def add(self, scope: Scope, template: templates_pb2.Template, at: datetime) -> templates_pb2.Template: ...
    async def replace(
        self, scope: Scope, template: templates_pb2.Template, at: datetime
    ) -> templates_pb2.Template | None: ...
    async def soft_delete(self, scope: Scope, template_id: str, at: datetime) -> templates_pb2.Template | None: ...


class IdempotencyKeys(Protocol):
    """Idempotency keys per organization, each with the request it was first used for and that request's answer."""

    async def get(self, organization_id: str, key: str) -> KeyUse | None: ...
    async def replace(self, old: KeyUse | None, new: KeyUse) -> bool:
        """Stores `new` in place of `old` (None: where there is none), only if the key is still as `old` was
        (the same claim); False when another request changed it first."""
        ...

    async def finish(
        self, organization_id: str, key: str, claim: str, answer: StoredAnswer, expires_at: datetime
    ) -> bool:
        """Keeps the answer of the request holding `claim`; False when it no longer holds the key."""
        ...

    async def release(self, organization_id: str, key: str, claim: str) -> bool:
        """Frees the key the request holding `claim` took; False when it no longer holds it."""
        ...

    async def renew(self, organization_id: str, key: str, claim: str, lease_until: datetime) -> bool:
        """Extends the hold of the request holding `claim` (still running); False when it no longer holds it."""
        ...


class Tenancy(Protocol):
    """Organizations with their credit balance, projects and API keys."""

    def new_id(self) -> str: ...
    async def add_organization(self, organization: Organization) -> None: ...
    async def list_organizations(self) -> list[Organization]: ...
    async def get_organization(self, organization_id: str) -> Organization | None: ...
    async def add_credits(self, organization_id: str, credits: int) -> Organization | None: ...
    async def charge_credits(self, organization_id: str, credits: int) -> bool: ...
    async def add_project(self, project: Project) -> None: ...
    async def list_projects(self, organization_id: str) -> list[Project]: ...
    async def project_exists(self, organization_id: str, project_id: str) -> bool: ...
    async def get_project(self, organization_id: str, project_id: str) -> Project | None: ...
    async def update_project(self, project_id: str, changes: ProjectChanges) -> Project | None:
        """The project after the changes; None when it is unknown."""
        ...

    async def add_api_key(self, key: ApiKey) -> None: ...
    async def find_api_key(self, key_hash: str) -> ApiKey | None: ...
    async def list_api_keys(self, organization_id: str) -> list[ApiKey]: ...
    async def revoke_api_key(self, key_id: str, at: datetime) -> ApiKey | None: ...
    async def add_user(self, user: User) -> bool:
        """False when the email is taken (emails are unique, compared lower-case)."""
        ...

    async def get_user(self, user_id: str) -> User | None: ...
    async def find_user(self, email: str) -> User | None: ...
    async def list_users(self, organization_id: str) -> list[User]: ...
    async def disable_user(self, user_id: str, at: datetime) -> User | None: ...


class JobPublisher(Protocol):
    async def publish_job(self, job: jobs_pb2.OcrJob) -> None:
        """Raises PublishFailed when the job did not reach the queue."""
        ...


class ProgressPublisher(Protocol):
    async def publish_progress(self, batch_id: str, event: dict[str, Any]) -> None: ...


class Webhooks(Protocol):
    """A project's webhook endpoints and the log of what was delivered to them."""

    def new_id(self) -> str: ...
    async def add(self, endpoint: Endpoint) -> None: ...
    async def get(self, scope: Scope | None, endpoint_id: str) -> Endpoint | None: ...
    async def list(self, scope: Scope) -> list[Endpoint]: ...
    async def delete(self, scope: Scope, endpoint_id: str, at: datetime) -> Endpoint | None: ...
    async def set_secret(self, scope: Scope, endpoint_id: str, secret: str) -> Endpoint | None: ...
    async def disable(self, endpoint_id: str, reason: str) -> None: ...
    async def add_delivery(self, delivery: Delivery) -> bool:
        """False when a delivery with this id exists already (the fan-out ran before)."""
        ...

    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...
    async def list_deliveries(self, endpoint_id: str, limit: int) -> list[Delivery]: ...
    async def record_attempt(
        self, delivery_id: str, attempt: Attempt, status: DeliveryStatus, next_attempt_at: datetime | None
    ) -> None: ...
    async def reopen(self, delivery_id: str) -> Delivery | None:
        """A delivery that is not pending becomes pending again (a manual redelivery)."""
        ...

    async def keep_unsent(self, event_id: str, event: dict[str, Any]) -> None:
        """An event the queue did not take (NATS was away), kept until it can be published."""
        ...

    async def unsent(self, limit: int) -> list[tuple[str, dict[str, Any]]]: ...
    async def sent(self, event_id: str) -> None: ...


class EventBus(Protocol):
    """Durable queues of webhook events and of deliveries (JetStream)."""

    async def publish_event(self, event_id: str, event: dict[str, Any]) -> None: ...
    async def publish_delivery(self, delivery_id: str, message_id: str) -> None: ...


@dataclass(frozen=True)
class SendResult:
    status_code: int  # 0: no HTTP answer
    error: str = ""
    retry_after: float | None = None


class WebhookSender(Protocol):
    async def send(self, url: str, headers: dict[str, str], body: bytes) -> SendResult: ...
    async def refused(self, url: str) -> str | None:
        """Why the URL may not be called (its address is not allowed, or it does not resolve), or None."""
        ...
