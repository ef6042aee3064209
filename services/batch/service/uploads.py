"""Use case: receive a batch's files as a stream and queue each file's job as soon as that file is stored.

The header makes the batch, hidden while the files come ("receiving"); each stored file gets its record
and its job at once, so workers start on the first file while the rest still arrive, and their results are
counted as usual. The batch shows, with its totals, when the last file is stored.

A file's credit is charged before any of its bytes are stored (one atomic conditional update: concurrent
uploads never overdraw). A failed upload leaves nothing: the batch, its records, uploads and files are
removed and every credit given back (jobs already queued find no file or no record, and change nothing)."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import templates_pb2
from services.batch.domain.model import Batch, CandidateType, LocaleChoice, Record, Scope, StoredBlob, Upload
from services.batch.domain.rules import BatchStatus, clean_file_name, default_batch_name
from services.batch.domain.webhooks import EventType
from services.batch.errors import InsufficientCredits, InvalidArgument, NotFound, TooLarge
from services.batch.ports import Batches, Blobs, BlobWriter, JobPublisher, Tenancy
from services.batch.service.jobs import publish_jobs
from services.batch.service.locales import checked_locale, locale_choice
from services.batch.service.results import ResultApplier
from services.batch.service.templates import TemplateCatalog
from services.batch.service.webhooks import WebhookEvents
from services.common.page_ranges import PageRangeError, canonical, parse_pages
from services.common.priorities import DEFAULT_PRIORITY, PRIORITIES
from services.common.qualities import QualityError, checked_quality

log = logging.getLogger(__name__)


@dataclass
class _Header:
    scope: Scope
    name: str
    template: templates_pb2.Template | None
    template_id: str | None
    metadata: dict[str, Any]
    priority: str
    locale: LocaleChoice  # what every file of the batch is read by when its page does not tell
    quality: str  # the reading quality asked for (the upload's, else the template's); "" for the workers' default
    page_range: str  # the pages of each file to read, canonical ("1-3,5"); "" for every page
    candidates: list[CandidateType]  # templateIds: each file is classified among them


@dataclass
class _File:
    name: str
    mime_type: str
    size: int = 0


@dataclass
class UploadPorts:
    batches: Batches
    blobs: Blobs
    tenancy: Tenancy
    templates: TemplateCatalog
    jobs: JobPublisher
    webhooks: WebhookEvents | None = None
    applier: ResultApplier | None = None  # a batch may be final when its upload ends: progress, batch.completed


class BatchUpload:
    """One CreateBatch call: header, then files chunk by chunk, each queued once stored; finish() shows the
    batch."""

    def __init__(self, ports: UploadPorts, *, max_files: int, max_file_bytes: int) -> None:
        self._ports = ports
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes
        self._header: _Header | None = None
        self._batch: Batch | None = None  # added (hidden, receiving) once the header is accepted
        self._files: list[_File] = []
        self._writer: BlobWriter | None = None
        self._charged = 0  # credits taken so far, given back if the upload fails
        self._declared = 0  # files the header announced (0: charged one by one)
        self._blob_ids: list[str] = []
        self._upload_ids: list[str] = []
        self._record_ids: list[str] = []
        self._queued: list[str] = []  # records whose job is on the queue: marked queued in one write at the end
        self._queueing = True  # False once NATS refused a job: the rest wait for the re-queue loop

    async def start(
        self,
        scope: Scope,
        name: str,
        template_id: str,
        metadata: dict[str, Any],
        priority: str,
        file_count: int = 0,
        locale: str = "",
        quality: str = "",
        page_range: str = "",
        template_ids: list[str] | None = None,
    ) -> None:
        if not scope.organization_id or not scope.project_id:
            raise InvalidArgument("projectId is required")
        if file_count > self._max_files:
            raise InvalidArgument(f"a batch holds at most {self._max_files} files")
        priority = priority or DEFAULT_PRIORITY
        if priority not in PRIORITIES:
            raise InvalidArgument(f"priority must be one of {', '.join(PRIORITIES)}")
        locale = checked_locale(locale)
        try:
            quality = checked_quality(quality)
        except QualityError as exc:
            raise InvalidArgument(f"quality: {exc}") from None
        try:
            page_range = canonical(parse_pages(page_range))
        except PageRangeError as exc:
            raise InvalidArgument(f"pages: {exc}") from None
        template = None
        candidates: list[CandidateType] = []
        if template_id and template_ids:
            raise InvalidArgument("give templateId or templateIds, not both")
        if template_ids:
            candidates = await self._ports.templates.candidates(scope, template_ids, "templateIds")
        if template_id:
            try:
                template = await self._ports.templates.get(scope, template_id)
            except NotFound:
                raise InvalidArgument(f"templateId {template_id!r} does not name a template of this project") from None
        at = datetime.now(UTC)
        choice = await locale_choice(self._ports.tenancy, scope, locale, template)
        header = _Header(
            scope,
            name.strip() or default_batch_name(at),
            template,
            template_id or None,
            metadata,
            priority,
            choice,
            quality or (template.quality if template else ""),
            page_range,
            candidates,
        )
        self._header = header
        if file_count:
            await self._charge(file_count)
            self._declared = file_count
        batch = Batch(
            id=self._ports.batches.new_id(),
            name=header.name,
            organization_id=scope.organization_id,
            project_id=scope.project_id,
            user_id=scope.user_id,
            template_id=header.template_id,
            template_name=template.name if template else None,
            metadata=header.metadata,
            priority=header.priority,
            locale=locale,
            total_files=file_count,
            receiving=True,
            created_at=at,
            updated_at=at,
        )
        self._batch = batch  # set first: abort() removes whatever part of it a failed add wrote
        await self._ports.batches.add(batch, [], [])

    async def begin_file(self, file_name: str, mime_type: str) -> None:
        if self._header is None:
            raise InvalidArgument("the batch header must come before any file")
        await self._close_file()
        if len(self._files) >= self._max_files:
            raise InvalidArgument(f"a batch holds at most {self._max_files} files")
        if self._declared and len(self._files) >= self._declared:
            raise InvalidArgument(f"more files than the {self._declared} the header declared")
        if not self._declared:
            await self._charge(1)
        name = clean_file_name(file_name)
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._writer = await self._ports.blobs.open_writer(name, mime)
        self._files.append(_File(name, mime))

    async def _charge(self, files: int) -> None:
        assert self._header is not None
        if not await self._ports.tenancy.charge_credits(self._header.scope.organization_id, files):
            raise InsufficientCredits(
                f"the organization's credit balance does not cover {self._charged + files} files (1 credit per file)"
            )
        self._charged += files

    async def write(self, chunk: bytes) -> None:
        if self._writer is None or not self._files:
            raise InvalidArgument("file bytes must follow a file header")
        current = self._files[-1]
        current.size += len(chunk)
        if current.size > self._max_file_bytes:
            raise TooLarge(f"file {current.name!r} is larger than {self._max_file_bytes // (1024 * 1024)} MB")
        await self._writer.write(chunk)

    async def _close_file(self) -> None:
        """The file being written is complete: store it, its upload and record, and queue its job."""
        if self._writer is None:
            return
        blob = await self._writer.finish()
        self._writer = None
        self._blob_ids.append(blob.blob_id)
        upload, record = self._entries(len(self._files) - 1, self._files[-1], blob)
        await self._ports.batches.add_file(upload, record)
        self._upload_ids.append(upload.id)
        self._record_ids.append(record.id)
        if self._queueing:
            queued = await publish_jobs(self._ports.jobs, [record])
            self._queued += queued
            self._queueing = bool(queued)

    def _entries(self, seq: int, f: _File, blob: StoredBlob) -> tuple[Upload, Record]:
        assert self._header is not None and self._batch is not None
        header, batch, at = self._header, self._batch, datetime.now(UTC)
        scope, template, batches = header.scope, header.template, self._ports.batches
        upload = Upload(
            batches.new_id(), batch.id, scope.organization_id, scope.project_id, f.name, blob.size,
            f.mime_type, blob.blob_id, blob.sha256, at,
        )  # fmt: skip
        folder = f"{scope.organization_id}/projects/{scope.project_id}/batches/{batch.id}"
        record = Record(
            id=batches.new_id(),
            upload_id=upload.id,
            batch_id=batch.id,
            seq=seq,
            organization_id=scope.organization_id,
            project_id=scope.project_id,
            user_id=scope.user_id,
            file_name=f.name,
            file_path=f"{folder}/{f.name}",
            file_size=blob.size,
            mime_type=f.mime_type,
            blob_id=blob.blob_id,
            template_id=header.template_id,
            template_name=template.name if template else None,
            template_snapshot=template,
            locale=header.locale,
            quality_asked=header.quality,
            page_range=header.page_range,
            candidates=header.candidates,
            result_format=template.result_format if template else "json",
            priority=header.priority,
            created_at=at,
            updated_at=at,
        )
        return upload, record

    async def abort(self) -> None:
        """Removes the batch, its records, uploads and files, and gives its credits back: a failed upload
        leaves nothing."""
        if self._writer is not None:
            await self._writer.abort()
            self._writer = None
        if self._batch is not None:
            await self._ports.batches.discard(self._batch.id)
            self._batch = None
        for blob_id in self._blob_ids:
            await self._ports.blobs.delete(blob_id)
        self._blob_ids.clear()
        if self._charged and self._header is not None:
            await self._ports.tenancy.add_credits(self._header.scope.organization_id, self._charged)
        self._charged = 0

    async def finish(self) -> Batch:
        if self._header is None or self._batch is None:
            raise InvalidArgument("the batch header is missing")
        await self._close_file()
        if not self._files:
            raise InvalidArgument("at least one file is required")
        if self._charged > len(self._files):  # fewer files came than were announced
            await self._ports.tenancy.add_credits(self._header.scope.organization_id, self._charged - len(self._files))
            self._charged = len(self._files)
        at = datetime.now(UTC)
        if self._queued:  # hidden until the commit, so no one saw them pending (a worker may have started them)
            await self._ports.batches.mark_queued(self._queued, at)
        batch = await self._ports.batches.commit_upload(
            self._batch.id, lambda b: b.close_upload(self._upload_ids, self._record_ids, at)
        )
        if batch is None:
            raise RuntimeError(f"batch {self._batch.id} vanished while its files were uploaded")
        self._batch = None  # the batch owns its files and credits from here on
        self._blob_ids.clear()
        self._charged = 0
        log.info("batch %s created with %d files", batch.id, batch.total_files)
        if self._ports.webhooks is not None:
            await self._ports.webhooks.emit(batch, EventType.BATCH_UPLOADED)
        if self._ports.applier is not None:
            await self._ports.applier.settled(BatchStatus.UPLOADING, batch)  # a receiving batch is uploading
        return batch
