"""A job's file, read from the batch service (workers never open the database)."""

from __future__ import annotations

from datetime import datetime

import grpc

from ocrbatch.v1 import jobs_pb2, jobs_pb2_grpc
from services.worker.consuming.backoff import Unreachable
from services.worker.documents import DocumentError

READ_TIMEOUT_S = 30.0
# gRPC codes that say the batch service (or its database) is unreachable or overloaded, not the file bad
UNREACHABLE_CODES = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.CANCELLED,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}


class JobFiles:
    def __init__(self, stub: jobs_pb2_grpc.JobFileServiceStub, max_file_bytes: int) -> None:
        self._stub = stub
        self._max_file_bytes = max_file_bytes

    async def read(self, job: jobs_pb2.OcrJob, delivery: int, started_at: datetime) -> bytes:
        """The job's file; reading it marks the record in progress (this delivery, since started_at). Raises
        DocumentError for a file that cannot be read (too large, no longer stored), Unreachable while the batch
        service does not answer."""
        chunks: list[bytes] = []
        size = 0
        start = jobs_pb2.JobStart(generation=job.generation, delivery=delivery)
        start.at.FromDatetime(started_at)
        request = jobs_pb2.ReadJobFileRequest(record_id=job.record_id, start=start)
        try:
            # wait_for_ready: a call made while the channel reconnects waits for it instead of failing at once
            async for chunk in self._stub.ReadJobFile(request, timeout=READ_TIMEOUT_S, wait_for_ready=True):
                size += len(chunk.data)
                if size > self._max_file_bytes:
                    raise DocumentError("the file is larger than this worker accepts")
                chunks.append(chunk.data)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                raise DocumentError("the uploaded file is no longer stored") from None
            if exc.code() in UNREACHABLE_CODES:
                raise Unreachable(f"the batch service did not give the file ({exc.code().name})") from None
            raise
        return b"".join(chunks)
