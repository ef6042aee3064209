"""The batch service's gRPC contract, JetStream jobs, exactly-once results and dead jobs, on a real NATS and
database (the service runs in-process: tests/integration/conftest.py)."""

from __future__ import annotations

import asyncio

import grpc
import nats
import pytest
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc
from services.batch.adapters.mongo.database import Database
from services.batch.bootstrap import running
from services.batch.settings import BatchSettings
from services.common.jetstream import JOBS_STREAM, job_subject, workers_consumer
from services.local.processes import free_port
from tests.integration.conftest import MAX_FILE_MB
from tests.support.batch_calls import create, publish_result, record, wait_for_batch, wait_until_applied


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


def read_started(record_id: str, generation: int, delivery: int) -> jobs_pb2.ReadJobFileRequest:
    start = jobs_pb2.JobStart(generation=generation, delivery=delivery)
    start.at.GetCurrentTime()
    return jobs_pb2.ReadJobFileRequest(record_id=record_id, start=start)


async def test_results_are_applied_exactly_once_and_move_the_batch(stack):
    batch = await create(stack, [("a.png", b"1"), ("b.png", b"2"), ("c.png", b"3")])
    r1, r2, r3 = batch.processing_history_ids
    # a worker taking the job reads its file with `start`: that read marks the record in progress
    data = [c.data async for c in stack.files.ReadJobFile(read_started(r1, generation=1, delivery=1))]
    assert data == [b"1"]
    started = await record(stack, r1)
    assert (started.status, started.attempts) == (common_pb2.RECORD_STATUS_IN_PROGRESS, 1)
    [_ async for _ in stack.files.ReadJobFile(read_started(r1, generation=1, delivery=2))]  # redelivered
    [_ async for _ in stack.files.ReadJobFile(read_started(r2, generation=7, delivery=1))]  # a stale job
    again = await record(stack, r1)
    assert (again.attempts, again.started_at) == (2, started.started_at)  # the first start is kept
    assert (await record(stack, r2)).status == common_pb2.RECORD_STATUS_QUEUED

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

    late = await publish_result(stack, "c2-late", record_id=r2, text="late success", **done)  # r2 is final already
    await wait_until_applied(stack, late)
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
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED  # it exists, but not for this project
    assert err.value.details() == "Batch does not belong to the token's scope"
    stranger = common_pb2.Scope(organization_id="another-organization", project_id="p")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=stranger, batch_id=ids[0]))
    assert err.value.details() == "Batch does not belong to the token's organization"

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


async def test_an_unreachable_database_answers_unavailable_not_an_internal_error(tmp_path, nats_client):
    """A worker or the gateway must be able to tell 'try again' from 'this is wrong': the database being
    away is UNAVAILABLE (the gateway's 503), never INTERNAL."""
    closed = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port()}/?directConnection=true", serverSelectionTimeoutMS=300)
    settings = BatchSettings(mongodb_db="nowhere", batch_port=0, grace_period_s=1)
    async with running(settings, Database(closed, "nowhere"), nats_client, asyncio.Event()) as port:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            scope = common_pb2.Scope(organization_id="o", project_id="p")
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await batch_pb2_grpc.BatchServiceStub(channel).GetBatch(
                    batch_pb2.GetBatchRequest(scope=scope, batch_id="6b0490ffe259e5118c08ce76")
                )
            assert err.value.code() == grpc.StatusCode.UNAVAILABLE
            assert "database is unreachable" in err.value.details()
            files = jobs_pb2_grpc.JobFileServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as err:
                _ = [
                    c
                    async for c in files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id="6b0490ffe259e5118c08ce76"))
                ]
            assert err.value.code() == grpc.StatusCode.UNAVAILABLE  # a worker waits and tries again
    await closed.close()


class OpenUpload:
    """A CreateBatch call whose stream stays open: header, file a.png complete, file b.png begun."""

    def __init__(self, stack) -> None:
        self.requests: asyncio.Queue[batch_pb2.CreateBatchRequest | None] = asyncio.Queue()
        self.call = stack.batches.CreateBatch(self._stream())
        header = batch_pb2.BatchHeader(scope=stack.scope, name="streamed", file_count=2)
        for part in (
            batch_pb2.CreateBatchRequest(header=header),
            batch_pb2.CreateBatchRequest(file=batch_pb2.FileHeader(file_name="a.png", mime_type="image/png")),
            batch_pb2.CreateBatchRequest(chunk=b"first file"),
            batch_pb2.CreateBatchRequest(file=batch_pb2.FileHeader(file_name="b.png", mime_type="image/png")),
        ):
            self.requests.put_nowait(part)

    async def _stream(self):
        while (request := await self.requests.get()) is not None:
            yield request


async def first_queued_job(stack) -> jobs_pb2.OcrJob:
    deadline = asyncio.get_running_loop().time() + 20
    while (info := await stack.js.stream_info(JOBS_STREAM)).state.messages < 1:
        assert asyncio.get_running_loop().time() < deadline, "the first file's job was not queued"
        await asyncio.sleep(0.05)
    return jobs_pb2.OcrJob.FromString((await stack.js.get_msg(JOBS_STREAM, info.state.first_seq)).data)


async def test_each_file_is_queued_while_the_upload_goes_on_and_its_result_counts_before_the_upload_ends(stack):
    """The first file's job is on the queue, readable and applied, while the stream still sends the second;
    the batch shows only when the stream ends, already counting the first file."""
    upload = OpenUpload(stack)
    call = asyncio.ensure_future(upload.call)
    job = await first_queued_job(stack)
    assert job.file_name == "a.png"
    chunks = stack.files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id=job.record_id))
    assert b"".join([c.data async for c in chunks]) == b"first file"  # a worker can read it already
    listed = await stack.batches.ListBatches(batch_pb2.ListBatchesRequest(scope=stack.scope))
    assert list(listed.data) == []  # hidden while its files come
    done = await publish_result(
        stack, "early", record_id=job.record_id, batch_id=job.batch_id, kind=jobs_pb2.RESULT_KIND_COMPLETED,
        delivery=1, text="read before the upload ended",
    )  # fmt: skip
    await wait_until_applied(stack, done)
    assert not call.done()

    await upload.requests.put(batch_pb2.CreateBatchRequest(chunk=b"second file"))
    await upload.requests.put(None)
    batch = await call
    assert (batch.id, batch.total_files, batch.completed_files, batch.progress) == (job.batch_id, 2, 1, 50.0)
    assert batch.status == common_pb2.BATCH_STATUS_PROCESSING
    assert (await stack.js.stream_info(JOBS_STREAM)).state.messages == 2
    assert (await record(stack, job.record_id)).text == "read before the upload ended"


async def test_a_cancelled_upload_leaves_no_batch_record_or_file_though_its_first_job_was_queued(stack):
    upload = OpenUpload(stack)
    job = await first_queued_job(stack)
    upload.call.cancel()  # the client goes away mid-upload
    deadline = asyncio.get_running_loop().time() + 20
    while await stack.db["batches"].count_documents({}) or await stack.db["blobs.files"].count_documents({}):
        assert asyncio.get_running_loop().time() < deadline, "the cancelled upload left its batch or files"
        await asyncio.sleep(0.05)
    assert await stack.db["processing_history"].count_documents({}) == 0
    assert await stack.db["uploads"].count_documents({}) == 0
    with pytest.raises(grpc.aio.AioRpcError) as read:
        async for _ in stack.files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id=job.record_id)):
            pass
    assert read.value.code() == grpc.StatusCode.NOT_FOUND  # its worker fails nothing: the record is gone too
