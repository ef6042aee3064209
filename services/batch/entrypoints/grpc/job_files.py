"""JobFileService (internal): workers read a job's file here, which also marks its record started; they
never open the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from ocrbatch.v1 import jobs_pb2, jobs_pb2_grpc
from services.batch.entrypoints.grpc.errors import mapped_errors
from services.batch.errors import NotFound
from services.batch.ports import Batches, Blobs
from services.common import metrics


class JobFileServicer(jobs_pb2_grpc.JobFileServiceServicer):
    def __init__(self, batches: Batches, blobs: Blobs) -> None:
        self._batches = batches
        self._blobs = blobs

    @mapped_errors
    async def ReadJobFile(
        self, request: jobs_pb2.ReadJobFileRequest, context: Any
    ) -> AsyncIterator[jobs_pb2.FileChunk]:
        if request.HasField("start"):  # a worker took the job: one write marks the record and finds it
            start = request.start
            at = start.at.ToDatetime(tzinfo=UTC) if start.HasField("at") else datetime.now(UTC)
            record = await self._batches.start_record(request.record_id, start.generation, start.delivery, at)
            metrics.RESULTS_APPLIED.labels("started").inc()
        else:
            record = await self._batches.get_record(None, request.record_id)
        if record is None:
            raise NotFound(f"processing record {request.record_id} not found")
        first = True
        async for chunk in self._blobs.read(record.blob_id):
            if first:
                yield jobs_pb2.FileChunk(data=chunk, file_name=record.file_name, mime_type=record.mime_type)
                first = False
            else:
                yield jobs_pb2.FileChunk(data=chunk)
