"""Where the export service reads records: the batch service's StreamRecords, never the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2


@dataclass
class CompletedRecords:
    """Re-readable stream of a batch's completed records (renderers that need two passes open it twice)."""

    stub: batch_pb2_grpc.BatchServiceStub
    scope: common_pb2.Scope
    batch_id: str

    def open(self, *, text: bool = True, pages: bool = False, limit: int = 0) -> AsyncIterator[common_pb2.Record]:
        return self.stub.StreamRecords(
            batch_pb2.StreamRecordsRequest(
                scope=self.scope,
                batch_id=self.batch_id,
                status=common_pb2.RECORD_STATUS_COMPLETED,
                include_text=text,
                include_pages=pages,
                limit=limit,
            )
        )

    async def any(self) -> bool:
        # limit=1 lets the stream end by itself; cancelling it would trip an OpenTelemetry context bug
        # (opentelemetry-python-contrib#2357) in the batch service's interceptor.
        found = False
        async for _ in self.open(text=False, pages=False, limit=1):
            found = True
        return found


@dataclass
class SingleRecord:
    """One record, offered through the same interface as CompletedRecords."""

    record: common_pb2.Record

    async def _one(self) -> AsyncIterator[common_pb2.Record]:
        yield self.record

    def open(self, *, text: bool = True, pages: bool = False) -> AsyncIterator[common_pb2.Record]:
        return self._one()

    async def any(self) -> bool:
        return True


RecordSource = CompletedRecords | SingleRecord
