"""BatchService: uploads, batches, records, processing history and retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2
from services.batch.entrypoints.grpc.errors import mapped_errors, pagination, paging, scope_of
from services.batch.entrypoints.grpc.messages import batch_message, change_message, record_message
from services.batch.errors import InvalidArgument
from services.batch.ports import Corrections
from services.batch.service import history
from services.batch.service.access import batch_in_scope, record_in_scope, refused
from services.batch.service.corrections import RecordReview
from services.batch.service.declared import DeclaredBatches, SingleDocument
from services.batch.service.results import ResultApplier
from services.batch.service.uploads import BatchUpload, UploadPorts
from services.common.convert import batch_status_name, record_status_name, struct_to_dict


class BatchServicer(batch_pb2_grpc.BatchServiceServicer):
    def __init__(
        self,
        ports: UploadPorts,
        applier: ResultApplier,
        declared: DeclaredBatches,
        review: RecordReview,
        corrections: Corrections,
        *,
        max_files: int,
        max_file_bytes: int,
    ) -> None:
        self._ports = ports
        self._review = review
        self._corrections = corrections
        self._declared = declared
        self._batches = ports.batches
        self._applier = applier
        self._max_files = max_files
        self._max_file_bytes = max_file_bytes

    @mapped_errors
    async def CreateBatch(
        self, request_iterator: AsyncIterator[batch_pb2.CreateBatchRequest], context: Any
    ) -> common_pb2.Batch:
        upload = BatchUpload(self._ports, max_files=self._max_files, max_file_bytes=self._max_file_bytes)
        try:
            async for request in request_iterator:
                part = request.WhichOneof("part")
                if part == "header":
                    h = request.header
                    metadata = struct_to_dict(h.metadata) if h.HasField("metadata") else {}
                    await upload.start(
                        scope_of(h.scope),
                        h.name,
                        h.template_id,
                        metadata,
                        h.priority,
                        h.file_count,
                        h.locale,
                        h.quality,
                        h.page_range,
                        list(h.template_ids),
                    )
                elif part == "file":
                    await upload.begin_file(request.file.file_name, request.file.mime_type)
                elif part == "chunk":
                    await upload.write(request.chunk)
            batch = await upload.finish()
        except BaseException:  # an error or a cancelled client: leave nothing behind
            await upload.abort()
            raise
        return batch_message(batch)

    @mapped_errors
    async def GetBatch(self, request: batch_pb2.GetBatchRequest, context: Any) -> common_pb2.Batch:
        return batch_message(await batch_in_scope(self._batches, scope_of(request.scope), request.batch_id))

    @mapped_errors
    async def ListBatches(self, request: batch_pb2.ListBatchesRequest, context: Any) -> batch_pb2.ListBatchesResponse:
        page, limit = paging(request.page, request.limit, default_limit=20)
        status = batch_status_name(request.status) if request.status else None
        found, total = await self._batches.list(scope_of(request.scope), page, limit, status)
        return batch_pb2.ListBatchesResponse(
            data=[batch_message(b) for b in found], pagination=pagination(page, limit, total)
        )

    @mapped_errors
    async def DeleteBatch(self, request: batch_pb2.DeleteBatchRequest, context: Any) -> common_pb2.Batch:
        scope = scope_of(request.scope)
        batch = await self._batches.soft_delete(scope, request.batch_id, datetime.now(UTC))
        if batch is None:
            raise await refused(self._batches, scope, request.batch_id)
        await self._review.forget_batch(scope, batch.id)  # what its records' corrections taught goes with them
        return batch_message(batch)

    @mapped_errors
    async def GetRecord(self, request: batch_pb2.GetRecordRequest, context: Any) -> common_pb2.Record:
        return record_message(await record_in_scope(self._batches, scope_of(request.scope), request.record_id))

    @mapped_errors
    async def StreamRecords(
        self, request: batch_pb2.StreamRecordsRequest, context: Any
    ) -> AsyncIterator[common_pb2.Record]:
        scope = scope_of(request.scope)
        await batch_in_scope(self._batches, scope, request.batch_id)
        status = record_status_name(request.status) if request.status else None
        async for record in self._batches.stream_records(
            scope, request.batch_id, status, request.include_text, request.include_pages, max(request.limit, 0)
        ):
            yield record_message(record)

    @mapped_errors
    async def ListRecords(self, request: batch_pb2.ListRecordsRequest, context: Any) -> batch_pb2.ListRecordsResponse:
        page, limit = paging(request.page, request.limit, default_limit=10)
        query = history.record_query(
            record_status_name(request.status) if request.status else None,
            request.template_id,
            request.from_date,
            request.to_date,
            request.search,
            request.batch_id,
            request.needs_review if request.HasField("needs_review") else None,
            request.oldest_first,
        )
        found, total = await self._batches.list_records(scope_of(request.scope), query, page, limit)
        return batch_pb2.ListRecordsResponse(
            data=[record_message(r) for r in found], pagination=pagination(page, limit, total)
        )

    @mapped_errors
    async def RecordStats(self, request: batch_pb2.RecordStatsRequest, context: Any) -> batch_pb2.RecordStatsResponse:
        return batch_pb2.RecordStatsResponse(**await history.stats(self._batches, scope_of(request.scope)))

    @mapped_errors
    async def RetryRecord(self, request: batch_pb2.RetryRecordRequest, context: Any) -> common_pb2.Record:
        scope = scope_of(request.scope)
        record = await history.retry(
            self._batches,
            self._ports.jobs,
            self._applier,
            scope,
            request.record_id,
            discard_corrections=request.discard_corrections,
            corrections=self._corrections,
            actor=request.actor,
        )
        return record_message(record)

    @mapped_errors
    async def CorrectRecord(self, request: batch_pb2.CorrectRecordRequest, context: Any) -> common_pb2.Record:
        fields = struct_to_dict(request.fields) if request.HasField("fields") else {}
        record = await self._review.correct(
            scope_of(request.scope), request.record_id, fields, request.approve, request.actor
        )
        return record_message(record)

    @mapped_errors
    async def ListCorrections(
        self, request: batch_pb2.GetRecordRequest, context: Any
    ) -> batch_pb2.ListCorrectionsResponse:
        changes = await self._review.changes(scope_of(request.scope), request.record_id)
        return batch_pb2.ListCorrectionsResponse(data=[change_message(c) for c in changes])

    @mapped_errors
    async def DeclareBatch(self, request: batch_pb2.DeclareBatchRequest, context: Any) -> common_pb2.Batch:
        single = SingleDocument(
            document_url=request.document_url.strip(),
            webhook_url=request.webhook.url.strip(),
            webhook_payload=request.webhook.payload,
        )
        batch = await self._declared.declare(
            scope_of(request.scope),
            list(request.document_names),
            request.doc_type,
            request.description,
            request.configuration,
            request.locale,
            request.page_range,
            list(request.portfolio_doc_types),
            single,
            classify=request.classify,
        )
        message = batch_message(batch)
        if batch.document_webhook:
            message.webhook_secret = batch.document_webhook["secret"]  # told once, to whoever declared it
        return message

    @mapped_errors
    async def UpdateBatch(self, request: batch_pb2.UpdateBatchRequest, context: Any) -> common_pb2.Batch:
        batch = await self._declared.describe(scope_of(request.scope), request.batch_id, request.description)
        return batch_message(batch)

    @mapped_errors
    async def UploadDocument(
        self, request_iterator: AsyncIterator[batch_pb2.UploadDocumentRequest], context: Any
    ) -> common_pb2.Record:
        requests = aiter(request_iterator)
        first = await anext(requests, None)
        if first is None or first.WhichOneof("part") != "header":
            raise InvalidArgument("the document header must come first")
        header = first.header

        async def chunks() -> AsyncIterator[bytes]:
            async for request in requests:
                if request.WhichOneof("part") != "chunk":
                    raise InvalidArgument("only chunks may follow the document header")
                yield request.chunk

        record = await self._declared.upload(header.batch_id, header.index, header.mime_type, chunks())
        return record_message(record)
