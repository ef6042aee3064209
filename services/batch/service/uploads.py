"""Use case: receive a batch's files as a stream, store them, then create the batch and queue one job per file.

A file's credit is charged before any of its bytes are stored (one atomic conditional update: concurrent
uploads never overdraw), and every credit and blob is given back if the upload fails."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import templates_pb2
from services.batch.domain.model import Batch, Record, Scope, StoredBlob, Upload
from services.batch.domain.rules import clean_file_name, default_batch_name
from services.batch.domain.webhooks import EventType
from services.batch.errors import InsufficientCredits, InvalidArgument, NotFound, TooLarge
from services.batch.ports import Batches, Blobs, BlobWriter, JobPublisher, Tenancy
from services.batch.service.jobs import publish_records
from services.batch.service.templates import TemplateCatalog
from services.batch.service.webhooks import WebhookEvents
from services.common.priorities import DEFAULT_PRIORITY, PRIORITIES

log = logging.getLogger(__name__)


@dataclass
class _Header:
    scope: Scope
    name: str
    template: templates_pb2.Template | None
    template_id: str | None
    metadata: dict[str, Any]
    priority: str


@dataclass
class _File:
    name: str
    mime_type: str
    size: int = 0
    blob: StoredBlob | None = None


@dataclass
class UploadPorts:
    batches: Batches
    blobs: Blobs
    tenancy: Tenancy
    templates: TemplateCatalog
    jobs: JobPublisher
    webhooks: WebhookEvents | None = None


class BatchUpload:
    """One CreateBatch call: header, then files chunk by chunk; nothing is visible until finish()."""

    def __init__(self, ports: UploadPorts, *, max_files: int, max_file_bytes: int) -> None:
        self._ports = ports
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes
        self._header: _Header | None = None
        self._files: list[_File] = []
        self._writer: BlobWriter | None = None
        self._charged = 0  # credits taken so far, given back if the upload fails
        self._declared = 0  # files the header announced (0: charged one by one)
        self._blob_ids: list[str] = []

    async def start(
        self, scope: Scope, name: str, template_id: str, metadata: dict[str, Any], priority: str, file_count: int = 0
    ) -> None:
        if not scope.organization_id or not scope.project_id:
            raise InvalidArgument("projectId is required")
        if file_count > self._max_files:
            raise InvalidArgument(f"a batch holds at most {self._max_files} files")
        priority = priority or DEFAULT_PRIORITY
        if priority not in PRIORITIES:
            raise InvalidArgument(f"priority must be one of {', '.join(PRIORITIES)}")
        template = None
        if template_id:
            try:
                template = await self._ports.templates.get(scope, template_id)
            except NotFound:
                raise InvalidArgument(f"templateId {template_id!r} does not name a template of this project") from None
        now = datetime.now(UTC)
        self._header = _Header(
            scope, name.strip() or default_batch_name(now), template, template_id or None, metadata, priority
        )
        if file_count:
            await self._charge(file_count)
            self._declared = file_count

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
        if self._writer is None:
            return
        blob = await self._writer.finish()
        self._blob_ids.append(blob.blob_id)
        self._files[-1].blob = blob
        self._writer = None

    async def abort(self) -> None:
        """Removes every blob this upload wrote and gives its credits back: a failed upload leaves nothing."""
        if self._writer is not None:
            await self._writer.abort()
            self._writer = None
        for blob_id in self._blob_ids:
            await self._ports.blobs.delete(blob_id)
        self._blob_ids.clear()
        if self._charged and self._header is not None:
            await self._ports.tenancy.add_credits(self._header.scope.organization_id, self._charged)
        self._charged = 0

    async def finish(self) -> Batch:
        if self._header is None:
            raise InvalidArgument("the batch header is missing")
        await self._close_file()
        if not self._files:
            raise InvalidArgument("at least one file is required")
        if self._charged > len(self._files):  # fewer files came than were announced
            await self._ports.tenancy.add_credits(self._header.scope.organization_id, self._charged - len(self._files))
            self._charged = len(self._files)
        batches, header, at = self._ports.batches, self._header, datetime.now(UTC)
        scope, template = header.scope, header.template
        batch_id = batches.new_id()
        folder = f"{scope.organization_id}/projects/{scope.project_id}/batches/{batch_id}"
        uploads: list[Upload] = []
        records: list[Record] = []
        for seq, f in enumerate(self._files):
            assert f.blob is not None  # every file was closed above
            upload = Upload(
                batches.new_id(), batch_id, scope.organization_id, scope.project_id, f.name, f.blob.size,
                f.mime_type, f.blob.blob_id, f.blob.sha256, at,
            )  # fmt: skip
            uploads.append(upload)
            records.append(
                Record(
                    id=batches.new_id(),
                    upload_id=upload.id,
                    batch_id=batch_id,
                    seq=seq,
                    organization_id=scope.organization_id,
                    project_id=scope.project_id,
                    user_id=scope.user_id,
                    file_name=f.name,
                    file_path=f"{folder}/{f.name}",
                    file_size=f.blob.size,
                    mime_type=f.mime_type,
                    blob_id=f.blob.blob_id,
                    template_id=header.template_id,
                    template_name=template.name if template else None,
                    template_snapshot=template,
                    result_format=template.result_format if template else "json",
                    priority=header.priority,
                    created_at=at,
                    updated_at=at,
                )
            )
        batch = Batch(
            id=batch_id,
            name=header.name,
            organization_id=scope.organization_id,
            project_id=scope.project_id,
            user_id=scope.user_id,
            template_id=header.template_id,
            template_name=template.name if template else None,
            metadata=header.metadata,
            priority=header.priority,
            total_files=len(records),
            upload_ids=[u.id for u in uploads],
            record_ids=[r.id for r in records],
            created_at=at,
            updated_at=at,
        )
        batch.start_processing(at)  # every file is stored: processing even if some jobs wait for the re-queue loop
        await batches.add(batch, uploads, records)
        self._blob_ids.clear()  # owned by the batch from here on
        self._charged = 0
        queued = await publish_records(batches, self._ports.jobs, records)
        log.info("batch %s created with %d files, %d queued", batch_id, len(records), queued)
        if self._ports.webhooks is not None:
            await self._ports.webhooks.emit(batch, EventType.BATCH_UPLOADED)
        return batch
