"""gRPC edge of the export service: checks the request, then streams the file's description and its bytes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, export_pb2, export_pb2_grpc, jobs_pb2_grpc
from services.common import metrics
from services.export.document import ExportDoc, record_columns
from services.export.formats import FORMATS, ExportFormat
from services.export.source import RecordStream, completed_records, original_files

# Records one export by ids may name: they are read one by one before the first byte, and their ids travel in
# the signed link's path, which stays well under the 8 KB a URL may take with 24-character ids.
MAX_RECORDS = 100


async def _chunked(parts: AsyncIterator[bytes], size: int) -> AsyncIterator[export_pb2.ExportChunk]:
    buffer = bytearray()
    async for part in parts:
        buffer += part
        if len(buffer) >= size:
            yield export_pb2.ExportChunk(data=bytes(buffer))
            buffer.clear()
    if buffer:
        yield export_pb2.ExportChunk(data=bytes(buffer))


class ExportServicer(export_pb2_grpc.ExportServiceServicer):
    def __init__(
        self,
        batches: batch_pb2_grpc.BatchServiceStub,
        chunk_bytes: int,
        pdf_font: str = "",
        files: jobs_pb2_grpc.JobFileServiceStub | None = None,
    ) -> None:
        self._batches = batches
        self._original = original_files(files) if files is not None else None
        self._chunk_bytes = chunk_bytes
        self._pdf_font = pdf_font

    async def _format(self, name: str, context: grpc.aio.ServicerContext) -> ExportFormat:
        fmt = FORMATS.get(name.lower())
        if fmt is None:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"format must be one of: {', '.join(FORMATS)}"
                if name
                else f"format is required ({', '.join(FORMATS)})",
            )
        return fmt

    async def _forwarded(self, call: Any, context: grpc.aio.ServicerContext) -> Any:
        """Awaits a batch-service call, passing its NOT_FOUND / INVALID_ARGUMENT on to our caller as is."""
        try:
            return await call
        except grpc.aio.AioRpcError as exc:
            await context.abort(exc.code(), exc.details() or exc.code().name)

    async def _stream(self, fmt: ExportFormat, doc: ExportDoc, file_name: str) -> AsyncIterator[export_pb2.ExportChunk]:
        yield export_pb2.ExportChunk(file=export_pb2.ExportFile(content_type=fmt.content_type, file_name=file_name))
        started = time.perf_counter()
        async for chunk in _chunked(fmt.render(doc), self._chunk_bytes):
            metrics.EXPORT_BYTES.labels(fmt.name).inc(len(chunk.data))
            yield chunk
        metrics.EXPORT_SECONDS.labels(fmt.name).observe(time.perf_counter() - started)

    async def ExportBatch(
        self, request: export_pb2.ExportBatchRequest, context: Any
    ) -> AsyncIterator[export_pb2.ExportChunk]:
        fmt = await self._format(request.format, context)
        batch = await self._forwarded(
            self._batches.GetBatch(batch_pb2.GetBatchRequest(scope=request.scope, batch_id=request.batch_id)), context
        )
        records = None
        if batch.completed_files:
            records = await self._forwarded(
                completed_records(self._batches, request.scope, request.batch_id, pages=fmt.pages), context
            )
        if records is None:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "the batch has no completed records to export")
        doc = ExportDoc(
            title=batch.name,
            batch=batch,
            fields=list(batch.result_fields),
            records=records,
            pdf_font=self._pdf_font,
            original=self._original,
        )
        async for chunk in self._stream(fmt, doc, f"batch-{batch.id}-export.{fmt.extension}"):
            yield chunk

    async def ExportRecord(
        self, request: export_pb2.ExportRecordRequest, context: Any
    ) -> AsyncIterator[export_pb2.ExportChunk]:
        record = await self._forwarded(
            self._batches.GetRecord(batch_pb2.GetRecordRequest(scope=request.scope, record_id=request.record_id)),
            context,
        )
        fmt = await self._format(request.format or record.result_format or "json", context)
        if record.status != common_pb2.RECORD_STATUS_COMPLETED:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION, "the record has no result yet: it is not completed"
            )
        doc = ExportDoc(
            title=record.file_name,
            batch=None,
            fields=record_columns(record),
            records=RecordStream(record),
            pdf_font=self._pdf_font,
            original=self._original,
        )
        async for chunk in self._stream(fmt, doc, f"record-{record.id}-result.{fmt.extension}"):
            yield chunk

    async def ExportRecords(
        self, request: export_pb2.ExportRecordsRequest, context: Any
    ) -> AsyncIterator[export_pb2.ExportChunk]:
        """The given records of the scope as one file, in the order given; only the completed ones are in it."""
        fmt = await self._format(request.format, context)
        if not 1 <= len(request.record_ids) <= MAX_RECORDS:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"give 1 to {MAX_RECORDS} record ids")
        completed = []
        for record_id in dict.fromkeys(request.record_ids):  # each once
            record = await self._forwarded(
                self._batches.GetRecord(
                    batch_pb2.GetRecordRequest(scope=request.scope, record_id=record_id), timeout=30
                ),
                context,
            )
            if record.status == common_pb2.RECORD_STATUS_COMPLETED:
                completed.append(record)
        if not completed:
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, "none of these records is completed yet")
        columns: dict[str, None] = {}
        for record in completed:
            columns |= dict.fromkeys(record_columns(record))

        async def rest() -> AsyncIterator[common_pb2.Record]:
            for record in completed[1:]:
                yield record

        doc = ExportDoc(
            title=f"{len(completed)} documents",
            batch=None,
            fields=list(columns),
            records=RecordStream(completed[0], rest()),
            pdf_font=self._pdf_font,
            original=self._original,
        )
        async for chunk in self._stream(fmt, doc, f"documents-{len(completed)}-export.{fmt.extension}"):
            yield chunk
