"""The batch service killed (SIGKILL, its own process) in the middle of a streamed upload, after the upload's
first file was stored and its job queued: nothing of the upload may ever be visible, and the restarted
service's sweep removes all of it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import grpc
import nats
import pytest
from pymongo import AsyncMongoClient

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc, common_pb2, jobs_pb2, jobs_pb2_grpc
from services.common.jetstream import JOBS_STREAM
from services.local.processes import grpc_serving
from tests.support.processes import start_batch_service, start_nats, start_secantus

DB = "upload_crash"
GRACE_S = 2  # OCRBATCH_ORPHAN_GRACE_S: a hidden batch no file came to for this long is removed


async def until(check: Callable[[], Awaitable[bool]], what: str, within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


async def test_a_batch_service_killed_mid_upload_shows_nothing_and_its_sweep_removes_the_rest(tmp_path: Path):
    logs = tmp_path / "logs"
    nats_child, nats_url = start_nats(tmp_path / "nats", logs)
    mongo_child, mongodb_uri = start_secantus(logs)
    key_file = tmp_path / "key.json"
    env = {
        "OCRBATCH_MONGODB_DB": DB,
        "OCRBATCH_BOOTSTRAP_KEY_FILE": str(key_file),
        "OCRBATCH_ORPHAN_SWEEP_INTERVAL_S": "0.5",
        "OCRBATCH_ORPHAN_GRACE_S": str(GRACE_S),
    }
    batch_child, target = start_batch_service(logs, nats_url, mongodb_uri, **env)
    tenant = json.loads(key_file.read_text())
    scope = common_pb2.Scope(organization_id=tenant["organizationId"], project_id=tenant["projectId"])
    nc = await nats.connect(nats_url)
    db = AsyncMongoClient(mongodb_uri, tz_aware=True)[DB]
    try:
        second_file = asyncio.Event()  # never set: the client is between two files when the service dies

        async def stream() -> AsyncIterator[batch_pb2.CreateBatchRequest]:
            yield batch_pb2.CreateBatchRequest(header=batch_pb2.BatchHeader(scope=scope, name="cut", file_count=2))
            yield batch_pb2.CreateBatchRequest(file=batch_pb2.FileHeader(file_name="a.png", mime_type="image/png"))
            yield batch_pb2.CreateBatchRequest(chunk=b"the first file")
            yield batch_pb2.CreateBatchRequest(file=batch_pb2.FileHeader(file_name="b.png", mime_type="image/png"))
            await second_file.wait()

        async with grpc.aio.insecure_channel(target) as channel:
            call = batch_pb2_grpc.BatchServiceStub(channel).CreateBatch(stream())
            js = nc.jetstream()

            async def queued() -> bool:
                return bool((await js.stream_info(JOBS_STREAM)).state.messages)

            await until(queued, "the first file's job was not queued")
            info = await js.stream_info(JOBS_STREAM)
            job = jobs_pb2.OcrJob.FromString((await js.get_msg(JOBS_STREAM, info.state.first_seq)).data)
            assert await db["processing_history"].count_documents({}) == 1  # stored, hidden, its job queued

            batch_child.kill()  # SIGKILL mid-stream
            with pytest.raises(grpc.aio.AioRpcError) as cut:
                await call
            assert cut.value.code() == grpc.StatusCode.UNAVAILABLE  # the client knows the upload failed

        batch_child = batch_child.respawn()
        batch_child.wait_until(lambda: grpc_serving(target), "SERVING after restart", 90)
        async with grpc.aio.insecure_channel(target) as channel:
            batches = batch_pb2_grpc.BatchServiceStub(channel)
            listed = await batches.ListBatches(batch_pb2.ListBatchesRequest(scope=scope))
            assert list(listed.data) == []  # never shown, before or after the sweep
            with pytest.raises(grpc.aio.AioRpcError) as hidden:
                await batches.GetBatch(batch_pb2.GetBatchRequest(scope=scope, batch_id=job.batch_id))
            assert hidden.value.code() == grpc.StatusCode.NOT_FOUND

            collections = ("batches", "processing_history", "uploads", "blobs.files", "blobs.chunks")

            async def swept() -> bool:
                return all([await db[name].count_documents({}) == 0 for name in collections])

            await until(swept, f"the sweep left some of {collections}", within_s=GRACE_S + 30)
            start = jobs_pb2.JobStart(generation=job.generation, delivery=1)
            with pytest.raises(grpc.aio.AioRpcError) as gone:
                reads = jobs_pb2_grpc.JobFileServiceStub(channel).ReadJobFile(
                    jobs_pb2.ReadJobFileRequest(record_id=job.record_id, start=start)
                )
                async for _ in reads:
                    pass
            assert gone.value.code() == grpc.StatusCode.NOT_FOUND  # the queued job's worker fails nothing
    finally:
        await nc.close()
        await db.client.close()
        for child in (batch_child, mongo_child, nats_child):
            child.stop(grace_s=10)
