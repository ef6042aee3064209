"""Calls tests make on a running batch service: upload files, read records, wait for a batch, inject results."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import PubAck
from pymongo.asynchronous.database import AsyncDatabase

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc, templates_pb2_grpc
from services.common.jetstream import RESULTS_CONSUMER, RESULTS_STREAM, RESULTS_SUBJECT


@dataclass
class BatchStack:
    """A running batch service and what tests drive it with: its stubs, JetStream, its database, its tenant."""

    batches: batch_pb2_grpc.BatchServiceStub
    auth: batch_pb2_grpc.AuthServiceStub
    files: jobs_pb2_grpc.JobFileServiceStub
    templates: templates_pb2_grpc.TemplateServiceStub
    js: JetStreamContext
    db: AsyncDatabase[dict[str, object]]
    scope: common_pb2.Scope
    api_key: str
    target: str
    nats_url: str


def upload(scope, files: list[tuple[str, bytes]], **header) -> list[batch_pb2.CreateBatchRequest]:
    requests = [batch_pb2.CreateBatchRequest(header=batch_pb2.BatchHeader(scope=scope, **header))]
    for name, data in files:
        requests.append(batch_pb2.CreateBatchRequest(file=batch_pb2.FileHeader(file_name=name, mime_type="image/png")))
        for start in range(0, len(data), 100_000):
            requests.append(batch_pb2.CreateBatchRequest(chunk=data[start : start + 100_000]))
    return requests


async def create(stack: BatchStack, files: list[tuple[str, bytes]], **header) -> common_pb2.Batch:
    async def gen():
        for r in upload(stack.scope, files, **header):
            yield r

    return await stack.batches.CreateBatch(gen())


async def wait_for_batch(stack: BatchStack, batch_id: str, status: int, within_s: float = 20) -> common_pb2.Batch:
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        batch = await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=stack.scope, batch_id=batch_id))
        if batch.status == status:
            return batch
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"batch stayed {batch.status}, wanted {status}: {batch}")
        await asyncio.sleep(0.1)


async def record(stack: BatchStack, record_id: str) -> common_pb2.Record:
    return await stack.batches.GetRecord(batch_pb2.GetRecordRequest(scope=stack.scope, record_id=record_id))


async def publish_result(stack: BatchStack, msg_id: str, **fields) -> PubAck:
    result = jobs_pb2.OcrResult(generation=1, **fields)
    return await stack.js.publish(RESULTS_SUBJECT, result.SerializeToString(), headers={"Nats-Msg-Id": msg_id})


async def wait_until_applied(stack: BatchStack, published: PubAck, within_s: float = 20) -> None:
    """Until the batch service's results consumer has acknowledged the published result (it was applied,
    or found to change nothing)."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        info = await stack.js.consumer_info(RESULTS_STREAM, RESULTS_CONSUMER)
        if info.ack_floor.stream_seq >= published.seq and not info.num_ack_pending:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"result {published.seq} not acknowledged: {info}")
        await asyncio.sleep(0.05)
