"""Where the export service reads records: the batch service's StreamRecords, never the database.

A batch's records are asked for once. The first one is read before the export starts, so an export with
nothing in it is refused before its first byte; renderers then read the stream, that record first."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc

ORIGINAL_TIMEOUT_S = 600


class RecordStream:
    """Records read once, in upload order."""

    def __init__(self, first: common_pb2.Record, rest: AsyncIterator[common_pb2.Record] | None = None) -> None:
        self._first = first
        self._rest = rest

    async def __aiter__(self) -> AsyncIterator[common_pb2.Record]:
        yield self._first
        if self._rest is not None:
            async for record in self._rest:
                yield record


async def completed_records(
    stub: batch_pb2_grpc.BatchServiceStub, scope: common_pb2.Scope, batch_id: str, *, pages: bool
) -> RecordStream | None:
    """The batch's completed records with their text (and pages when the format shows them), or None when
    there are none."""
    call = stub.StreamRecords(
        batch_pb2.StreamRecordsRequest(
            scope=scope,
            batch_id=batch_id,
            status=common_pb2.RECORD_STATUS_COMPLETED,
            include_text=True,
            include_pages=pages,
        )
    )
    records = aiter(call)
    try:
        first = await anext(records)
    except StopAsyncIteration:
        return None
    return RecordStream(first, records)


def original_files(stub: jobs_pb2_grpc.JobFileServiceStub) -> Callable[[str], Awaitable[bytes | None]]:
    """Reads a record's uploaded file from the batch service (the records were read in the caller's scope first);
    None when it is no longer stored."""

    async def read(record_id: str) -> bytes | None:
        chunks = []
        try:
            async for chunk in stub.ReadJobFile(
                jobs_pb2.ReadJobFileRequest(record_id=record_id), timeout=ORIGINAL_TIMEOUT_S
            ):
                chunks.append(chunk.data)
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise
        return b"".join(chunks)

    return read
