"""The batch service as a real process: gRPC contract, JetStream jobs, exactly-once results, dead jobs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import nats
import pytest
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc
from services.common.jetstream import JOBS_STREAM, RESULTS_SUBJECT, job_subject, workers_consumer
from tests.support.processes import start_batch_service, start_nats

MAX_FILE_MB = 1


@dataclass
class BatchStack:
    batches: batch_pb2_grpc.BatchServiceStub
    auth: batch_pb2_grpc.AuthServiceStub
    files: jobs_pb2_grpc.JobFileServiceStub
    js: nats.js.JetStreamContext
    db: object
    scope: common_pb2.Scope
    api_key: str
    target: str
    nats_url: str


@pytest.fixture
async def stack(tmp_path: Path, secantus_uri: str, unique_db: str) -> AsyncIterator[BatchStack]:
    """A fresh nats-server and batch service process per test, so no test sees another's jobs."""
    nats_proc, nats_url = start_nats(tmp_path / "nats", tmp_path)
    key_file = tmp_path / "key.json"
    batch_proc, target = start_batch_service(
        tmp_path,
        nats_url,
        secantus_uri,
        OCRBATCH_MONGODB_DB=unique_db,
        OCRBATCH_BOOTSTRAP_KEY_FILE=str(key_file),
        OCRBATCH_JOB_ACK_WAIT_S="1",
        OCRBATCH_JOB_MAX_DELIVER="2",
        OCRBATCH_MAX_FILES_PER_BATCH="3",
        OCRBATCH_MAX_FILE_MB=str(MAX_FILE_MB),
    )
    tenant = json.loads(key_file.read_text())
    channel = grpc.aio.insecure_channel(target)
    nc = await nats.connect(nats_url)
    client: AsyncMongoClient = AsyncMongoClient(secantus_uri)
    try:
        yield BatchStack(
            batches=batch_pb2_grpc.BatchServiceStub(channel),
            auth=batch_pb2_grpc.AuthServiceStub(channel),
            files=jobs_pb2_grpc.JobFileServiceStub(channel),
            js=nc.jetstream(),
            db=client[unique_db],
            scope=common_pb2.Scope(organization_id=tenant["organizationId"], project_id=tenant["projectId"]),
            api_key=tenant["apiKey"],
            target=target,
            nats_url=nats_url,
        )
    finally:
        await nc.close()
        await channel.close()
        await client.close()
        assert batch_proc.stop() == 0, batch_proc.log()[-3000:]
        nats_proc.stop()


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


async def publish_result(stack: BatchStack, msg_id: str, **fields) -> None:
    result = jobs_pb2.OcrResult(generation=1, **fields)
    await stack.js.publish(RESULTS_SUBJECT, result.SerializeToString(), headers={"Nats-Msg-Id": msg_id})


async def test_create_batch_stores_each_file_and_queues_one_job_per_file(stack):
    files = [("a.png", b"A" * 250_000), ("../../b.png", b"B" * 10), ("c.png", b"C")]
    batch = await create(stack, files, name="March 2026 Invoices")
    assert batch.name == "March 2026 Invoices"
    assert batch.status == common_pb2.BATCH_STATUS_PROCESSING
    assert (batch.total_files, batch.completed_files, batch.failed_files, batch.progress) == (3, 0, 0, 0)
    assert len(batch.upload_ids) == len(batch.processing_history_ids) == 3

    info = await stack.js.stream_info(JOBS_STREAM)
    assert info.state.messages == 3
    first = jobs_pb2.OcrJob.FromString((await stack.js.get_msg(JOBS_STREAM, info.state.first_seq)).data)
    assert first.record_id == batch.processing_history_ids[0]
    assert first.batch_id == batch.id and first.priority == "medium" and first.generation == 1

    for rid, (_, data) in zip(batch.processing_history_ids, files, strict=True):
        rec = await record(stack, rid)
        assert rec.status == common_pb2.RECORD_STATUS_QUEUED
        assert rec.file_size == len(data)
        chunks = stack.files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id=rid))
        assert b"".join([c.data async for c in chunks]) == data
    assert (await record(stack, batch.processing_history_ids[1])).file_name == "b.png"


async def test_a_repeated_job_publish_is_dropped_by_its_message_id(stack):
    batch = await create(stack, [("a.png", b"x")])
    rid = batch.processing_history_ids[0]
    ack = await stack.js.publish(job_subject("medium"), b"again", headers={"Nats-Msg-Id": rid})
    assert ack.duplicate is True
    assert (await stack.js.stream_info(JOBS_STREAM)).state.messages == 1


async def test_results_are_applied_exactly_once_and_move_the_batch(stack):
    batch = await create(stack, [("a.png", b"1"), ("b.png", b"2"), ("c.png", b"3")])
    r1, r2, r3 = batch.processing_history_ids
    await publish_result(stack, "s1", record_id=r1, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_STARTED, delivery=1)
    for _ in range(50):
        if (await record(stack, r1)).status == common_pb2.RECORD_STATUS_IN_PROGRESS:
            break
        await asyncio.sleep(0.1)
    assert (await record(stack, r1)).status == common_pb2.RECORD_STATUS_IN_PROGRESS

    done = {"batch_id": batch.id, "kind": jobs_pb2.RESULT_KIND_COMPLETED, "delivery": 1}
    await publish_result(stack, "c1", record_id=r1, text="INV-1 total 10.00", **done)
    await publish_result(stack, "c1-again", record_id=r1, text="a redelivered copy", **done)
    await publish_result(
        stack, "f2", record_id=r2, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_FAILED, delivery=1, error="bad file"
    )
    await publish_result(stack, "c3", record_id=r3, text="INV-3", **done)

    final = await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_PARTIALLY_FAILED)
    assert (final.completed_files, final.failed_files, final.progress) == (2, 1, 100.0)
    rec1 = await record(stack, r1)
    assert rec1.text == "INV-1 total 10.00" and rec1.HasField("completed_at") and rec1.HasField("started_at")
    rec2 = await record(stack, r2)
    assert rec2.status == common_pb2.RECORD_STATUS_FAILED and rec2.error == "bad file"

    await publish_result(stack, "c2-late", record_id=r2, text="late success", **done)  # r2 is final already
    await asyncio.sleep(1.0)
    again = await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=stack.scope, batch_id=batch.id))
    assert (again.completed_files, again.failed_files) == (2, 1)
    assert (await record(stack, r2)).status == common_pb2.RECORD_STATUS_FAILED


async def test_a_job_that_crashes_every_worker_still_fails_its_record(stack):
    """max_deliver=2, ack_wait=1s: a consumer that takes the job and never acks stands in for a crashing worker."""
    batch = await create(stack, [("poison.png", b"boom")])
    sub = await stack.js.pull_subscribe_bind(workers_consumer("medium"), stream=JOBS_STREAM)
    deliveries = 0
    for _ in range(10):
        try:
            msgs = await sub.fetch(1, timeout=1.5)
        except nats.errors.TimeoutError:
            if deliveries >= 2:
                break
            continue
        deliveries += len(msgs)  # taken, never acked: the "worker" died on it
    await sub.unsubscribe()
    assert deliveries == 2

    final = await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_FAILED)
    assert (final.completed_files, final.failed_files, final.progress) == (0, 1, 100.0)
    rec = await record(stack, batch.processing_history_ids[0])
    assert rec.status == common_pb2.RECORD_STATUS_FAILED
    assert "did not finish after 2 attempts" in rec.error
    assert (await stack.js.stream_info(JOBS_STREAM)).state.messages == 0  # the dead job is removed


@pytest.mark.parametrize(
    ("files", "header", "code", "message"),
    [
        ([], {}, grpc.StatusCode.INVALID_ARGUMENT, "at least one file"),
        ([("a", b"1")] * 4, {}, grpc.StatusCode.INVALID_ARGUMENT, "at most 3 files"),
        ([("big.png", b"x" * (MAX_FILE_MB * 1024 * 1024 + 1))], {}, grpc.StatusCode.RESOURCE_EXHAUSTED, "larger than"),
        ([("a", b"1")], {"template_id": "nope"}, grpc.StatusCode.INVALID_ARGUMENT, "templateId"),
        ([("a", b"1")], {"priority": "urgent"}, grpc.StatusCode.INVALID_ARGUMENT, "priority"),
    ],
)
async def test_a_refused_upload_stores_nothing(stack, files, header, code, message):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await create(stack, files, **header)
    assert err.value.code() == code
    assert message in err.value.details()
    assert await stack.db["batches"].count_documents({}) == 0
    assert await stack.db["processing_history"].count_documents({}) == 0
    assert [f async for f in AsyncGridFSBucket(stack.db, bucket_name="blobs").find({})] == []


async def test_reads_are_scoped_paginated_and_soft_deleted(stack):
    ids = [(await create(stack, [("a.png", b"1")], name=f"b{i}")).id for i in range(3)]
    other = common_pb2.Scope(organization_id=stack.scope.organization_id, project_id="another-project")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=other, batch_id=ids[0]))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND

    page = await stack.batches.ListBatches(batch_pb2.ListBatchesRequest(scope=stack.scope, page=2, limit=2))
    assert [b.name for b in page.data] == ["b0"]
    assert (page.pagination.total, page.pagination.pages, page.pagination.page) == (3, 2, 2)

    await stack.batches.DeleteBatch(batch_pb2.DeleteBatchRequest(scope=stack.scope, batch_id=ids[1]))
    listed = await stack.batches.ListBatches(batch_pb2.ListBatchesRequest(scope=stack.scope))
    assert [b.name for b in listed.data] == ["b2", "b0"] and listed.pagination.limit == 20
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=stack.scope, batch_id=ids[1]))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_api_keys_resolve_to_their_scope(stack):
    principal = await stack.auth.Authenticate(batch_pb2.AuthenticateRequest(api_key=stack.api_key))
    assert principal.project_id == stack.scope.project_id
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.auth.Authenticate(batch_pb2.AuthenticateRequest(api_key="ocr_wrong"))
    assert err.value.code() == grpc.StatusCode.UNAUTHENTICATED
