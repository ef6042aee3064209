"""Use case: receive a batch's files as a stream, store them, then create the batch and queue one job per file."""

from __future__ import annotations

import logging
import mimetypes
from datetime import UTC, datetime
from typing import Any, Protocol

import nats.errors
from google.protobuf.json_format import MessageToDict, ParseDict

from ocrbatch.v1 import jobs_pb2, templates_pb2
from services.batch.adapters.store import BlobWriter, Doc, Scope, Store
from services.batch.domain.rules import (
    DEFAULT_PRIORITY,
    PRIORITIES,
    BatchStatus,
    RecordStatus,
    clean_file_name,
    default_batch_name,
)
from services.batch.errors import InsufficientCredits, InvalidArgument, NotFound, TooLarge
from services.batch.service.templates import Templates

log = logging.getLogger(__name__)


class JobPublisher(Protocol):
    async def publish_job(self, job: jobs_pb2.OcrJob) -> None: ...


def now() -> datetime:
    return datetime.now(UTC)


def job_for(record: Doc) -> jobs_pb2.OcrJob:
    snapshot = record.get("templateSnapshot")
    template = ParseDict(snapshot, templates_pb2.Template(), ignore_unknown_fields=True) if snapshot else None
    return jobs_pb2.OcrJob(
        template=template,
        record_id=record["id"],
        batch_id=record["batchId"],
        upload_id=record["uploadId"],
        file_name=record["fileName"],
        mime_type=record["mimeType"],
        file_size=record["fileSize"],
        template_id=record.get("templateId") or "",
        priority=record.get("priority") or DEFAULT_PRIORITY,
        generation=record.get("generation", 1),
    )


async def publish_records(store: Store, jobs: JobPublisher, records: list[Doc]) -> int:
    """Publishes jobs for pending records and marks the ones that reached JetStream as queued."""
    published: list[str] = []
    try:
        for record in records:
            await jobs.publish_job(job_for(record))
            published.append(record["id"])
    except (
        TimeoutError,
        nats.errors.Error,
        OSError,
    ) as exc:  # NATS down or slow: the re-queue loop publishes the rest later
        log.warning("published %d of %d jobs, the rest wait for re-queue: %s", len(published), len(records), exc)
    if published:
        await store.mark_records_queued(published, now())
    return len(published)


class BatchUpload:
    """One CreateBatch call: header, then files chunk by chunk; nothing is visible until finish()."""

    def __init__(
        self, store: Store, jobs: JobPublisher, templates: Templates, *, max_files: int, max_file_bytes: int
    ) -> None:
        self._store = store
        self._templates = templates
        self._jobs = jobs
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes
        self._header: dict[str, Any] | None = None
        self._files: list[dict[str, Any]] = []
        self._writer: BlobWriter | None = None
        self._current: dict[str, Any] | None = None
        self._blob_ids: list[str] = []

    async def start(self, scope: Scope, name: str, template_id: str, metadata: dict[str, Any], priority: str) -> None:
        if not scope.organization_id or not scope.project_id:
            raise InvalidArgument("projectId is required")
        priority = priority or DEFAULT_PRIORITY
        if priority not in PRIORITIES:
            raise InvalidArgument(f"priority must be one of {', '.join(PRIORITIES)}")
        template = None
        if template_id:
            try:
                template = await self._templates.get(scope, template_id)
            except NotFound:
                raise InvalidArgument(f"templateId {template_id!r} does not name a template of this project") from None
        self._header = {
            "scope": scope,
            "name": name.strip() or default_batch_name(now()),
            "templateId": template_id or None,
            "templateName": template.name if template else None,
            "resultFormat": template.result_format if template else "json",
            "templateSnapshot": MessageToDict(template) if template else None,
            "metadata": metadata,
            "priority": priority,
        }

    async def begin_file(self, file_name: str, mime_type: str) -> None:
        if self._header is None:
            raise InvalidArgument("the batch header must come before any file")
        await self._close_file()
        if len(self._files) >= self._max_files:
            raise InvalidArgument(f"a batch holds at most {self._max_files} files")
        name = clean_file_name(file_name)
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._writer = await self._store.open_blob_writer(name, mime)
        self._current = {"fileName": name, "mimeType": mime, "size": 0}

    async def write(self, chunk: bytes) -> None:
        if self._writer is None or self._current is None:
            raise InvalidArgument("file bytes must follow a file header")
        self._current["size"] += len(chunk)
        if self._current["size"] > self._max_file_bytes:
            raise TooLarge(
                f"file {self._current['fileName']!r} is larger than {self._max_file_bytes // (1024 * 1024)} MB"
            )
        await self._writer.write(chunk)

    async def _close_file(self) -> None:
        if self._writer is None or self._current is None:
            return
        blob = await self._writer.finish()
        self._blob_ids.append(blob.blob_id)
        self._files.append({**self._current, "blob": blob})
        self._writer = None
        self._current = None

    async def abort(self) -> None:
        """Removes every blob this upload wrote: a failed upload leaves nothing behind."""
        if self._writer is not None:
            await self._writer.abort()
            self._writer = None
        for blob_id in self._blob_ids:
            await self._store.delete_blob(blob_id)
        self._blob_ids.clear()

    async def finish(self) -> Doc:
        if self._header is None:
            raise InvalidArgument("the batch header is missing")
        await self._close_file()
        if not self._files:
            raise InvalidArgument("at least one file is required")
        header, scope, at = self._header, self._header["scope"], now()
        batch_id = self._store.new_id()
        uploads: list[Doc] = []
        records: list[Doc] = []
        folder = f"{scope.organization_id}/projects/{scope.project_id}/batches/{batch_id}"
        for seq, f in enumerate(self._files):
            upload_id, record_id = self._store.new_id(), self._store.new_id()
            uploads.append(
                {
                    "id": upload_id,
                    "batchId": batch_id,
                    "organizationId": scope.organization_id,
                    "projectId": scope.project_id,
                    "fileName": f["fileName"],
                    "fileSize": f["blob"].size,
                    "mimeType": f["mimeType"],
                    "blobId": f["blob"].blob_id,
                    "sha256": f["blob"].sha256,
                    "createdAt": at,
                }
            )
            records.append(
                {
                    "id": record_id,
                    "uploadId": upload_id,
                    "batchId": batch_id,
                    "seq": seq,
                    "organizationId": scope.organization_id,
                    "projectId": scope.project_id,
                    "userId": scope.user_id,
                    "fileName": f["fileName"],
                    "fileUrl": None,
                    "filePath": f"{folder}/{f['fileName']}",
                    "fileSize": f["blob"].size,
                    "mimeType": f["mimeType"],
                    "blobId": f["blob"].blob_id,
                    "status": RecordStatus.PENDING,
                    "templateId": header["templateId"],
                    "templateName": header["templateName"],
                    "templateSnapshot": header["templateSnapshot"],
                    "resultFormat": header["resultFormat"],
                    "priority": header["priority"],
                    "processingResult": None,
                    "text": None,
                    "pages": [],
                    "attempts": 0,
                    "generation": 1,
                    "error": None,
                    "createdAt": at,
                    "updatedAt": at,
                }
            )
        batch = {
            "id": batch_id,
            "name": header["name"],
            "organizationId": scope.organization_id,
            "projectId": scope.project_id,
            "userId": scope.user_id,
            "templateId": header["templateId"],
            "templateName": header["templateName"],
            "metadata": header["metadata"],
            "priority": header["priority"],
            "totalFiles": len(records),
            "completedFiles": 0,
            "failedFiles": 0,
            "status": BatchStatus.UPLOADING,
            "progress": 0.0,
            "uploadIds": [u["id"] for u in uploads],
            "processingHistoryIds": [r["id"] for r in records],
            "deletedAt": None,
            "createdAt": at,
            "updatedAt": at,
        }
        # One credit per file, taken atomically: concurrent uploads can never overdraw the balance.
        if not await self._store.charge_credits(scope.organization_id, len(records)):
            raise InsufficientCredits(
                f"the organization's credit balance does not cover {len(records)} files (1 credit per file)"
            )
        try:
            await self._store.insert_batch(batch, uploads, records)
        except BaseException:
            await self._store.add_credits(scope.organization_id, len(records))  # nothing stored: give them back
            raise
        self._blob_ids.clear()  # owned by the batch from here on
        # Files are stored: the batch is processing even if some jobs wait for the re-queue loop.
        await self._store.set_batch_status(batch_id, BatchStatus.PROCESSING, at)
        queued = await publish_records(self._store, self._jobs, records)
        log.info("batch %s created with %d files, %d queued", batch_id, len(records), queued)
        return {**batch, "status": BatchStatus.PROCESSING}
