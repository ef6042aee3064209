"""The Store port's contract, against SecantusDB always and a real MongoDB when one can be had."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from services.batch.adapters.mongo_store import MongoStore
from services.batch.adapters.store import Scope
from services.batch.domain.rules import RecordStatus

SCOPE = Scope("org-a", "proj-a", "user-1")
OTHER = Scope("org-b", "proj-b", "")


@pytest.fixture(scope="module")
def real_mongodb_uri() -> Iterator[str]:
    """MONGODB_URI if set, else a `mongo` container via testcontainers; skips (saying why) when neither works."""
    if os.environ.get("MONGODB_URI"):
        yield os.environ["MONGODB_URI"]
        return
    try:
        from testcontainers.community.mongodb import MongoDbContainer

        container = MongoDbContainer("mongo:7.0")
        container.start()
    except Exception as exc:  # no Docker engine here: the SecantusDB run covers the same contract
        reason = "no Docker engine" if "FileNotFoundError" in repr(exc) or "docker" in repr(exc).lower() else exc
        pytest.skip(f"real MongoDB run skipped: MONGODB_URI is unset and testcontainers cannot start mongo ({reason})")
    try:
        yield container.get_connection_url()
    finally:
        container.stop()


@pytest.fixture(params=["secantusdb", pytest.param("mongodb", marks=pytest.mark.mongo_container)])
async def store(request: pytest.FixtureRequest, unique_db: str) -> AsyncIterator[MongoStore]:
    uri = request.getfixturevalue("secantus_uri" if request.param == "secantusdb" else "real_mongodb_uri")
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    store = MongoStore(client, unique_db)
    await store.ensure_indexes()
    try:
        yield store
    finally:
        await client.drop_database(unique_db)
        await client.close()


async def make_batch(store: MongoStore, scope: Scope = SCOPE, files: int = 2, created: datetime | None = None) -> dict:
    at = created or datetime.now(UTC)
    batch_id = store.new_id()
    records = [
        {
            "id": store.new_id(),
            "batchId": batch_id,
            "seq": i,
            "organizationId": scope.organization_id,
            "projectId": scope.project_id,
            "fileName": f"f{i}.png",
            "status": RecordStatus.PENDING,
            "generation": 1,
            "text": f"text {i}",
            "pages": [{"number": 1, "lines": []}],
            "createdAt": at,
            "updatedAt": at,
        }
        for i in range(files)
    ]
    batch = {
        "id": batch_id,
        "name": "b",
        "organizationId": scope.organization_id,
        "projectId": scope.project_id,
        "totalFiles": files,
        "completedFiles": 0,
        "failedFiles": 0,
        "status": "processing",
        "progress": 0.0,
        "processingHistoryIds": [r["id"] for r in records],
        "deletedAt": None,
        "createdAt": at,
        "updatedAt": at,
    }
    await store.insert_batch(batch, [], records)
    return {"batch": batch, "records": records}


async def test_a_batch_is_visible_only_in_its_own_scope(store):
    made = await make_batch(store)
    batch_id = made["batch"]["id"]
    assert (await store.get_batch(SCOPE, batch_id))["name"] == "b"
    assert await store.get_batch(OTHER, batch_id) is None
    assert await store.get_record(OTHER, made["records"][0]["id"]) is None
    assert await store.get_batch(SCOPE, "not-an-id") is None


async def test_list_pages_newest_first_with_status_filter(store):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [(await make_batch(store, created=base + timedelta(minutes=i)))["batch"]["id"] for i in range(5)]
    page1, total = await store.list_batches(SCOPE, 1, 2, None)
    page3, _ = await store.list_batches(SCOPE, 3, 2, None)
    assert total == 5
    assert [b["id"] for b in page1] == [ids[4], ids[3]]
    assert [b["id"] for b in page3] == [ids[0]]
    none, total_completed = await store.list_batches(SCOPE, 1, 10, "completed")
    assert none == [] and total_completed == 0


async def test_soft_deleted_batches_disappear_from_gets_lists_and_records(store):
    made = await make_batch(store)
    batch_id = made["batch"]["id"]
    assert await store.soft_delete_batch(SCOPE, batch_id, datetime.now(UTC)) is not None
    assert await store.get_batch(SCOPE, batch_id) is None
    assert (await store.list_batches(SCOPE, 1, 10, None))[1] == 0
    assert await store.get_record(SCOPE, made["records"][0]["id"]) is None
    assert await store.soft_delete_batch(SCOPE, batch_id, datetime.now(UTC)) is None  # already gone


async def test_a_record_is_finished_once_and_counted_once(store):
    made = await make_batch(store, files=2)
    batch_id, rid = made["batch"]["id"], made["records"][0]["id"]
    now = datetime.now(UTC)
    await store.finish_record(rid, 1, {"status": RecordStatus.COMPLETED, "text": "first"})
    await store.finish_record(rid, 1, {"status": RecordStatus.FAILED, "text": "second"})  # ignored: already final
    record = await store.get_record_unscoped(rid)
    assert record["status"] == RecordStatus.COMPLETED and record["text"] == "first"
    after = await store.count_record_outcome(batch_id, rid, RecordStatus.COMPLETED, now, ["a", "b.c"])
    again = await store.count_record_outcome(batch_id, rid, RecordStatus.COMPLETED, now, ["a", "d"])
    assert after["completedFiles"] == 1 and again["completedFiles"] == 1
    assert sorted(after["resultFields"]) == ["a", "b.c"] == sorted(again["resultFields"])
    assert "countedRecordIds" not in after


async def test_a_result_of_another_generation_is_ignored(store):
    made = await make_batch(store, files=1)
    rid = made["records"][0]["id"]
    await store.finish_record(rid, 2, {"status": RecordStatus.COMPLETED})
    assert (await store.get_record_unscoped(rid))["status"] == RecordStatus.PENDING


async def test_progress_is_written_only_from_the_counters_it_was_derived_from(store):
    made = await make_batch(store, files=2)
    batch_id = made["batch"]["id"]
    now = datetime.now(UTC)
    await store.set_batch_progress(batch_id, 1, 0, "processing", 50.0, now)  # stale: counters are 0/0
    assert (await store.get_batch(SCOPE, batch_id))["progress"] == 0.0
    await store.set_batch_progress(batch_id, 0, 0, "processing", 0.0, now)
    assert (await store.get_batch(SCOPE, batch_id))["status"] == "processing"


async def test_records_stream_in_upload_order_without_heavy_fields_unless_asked(store):
    made = await make_batch(store, files=3)
    batch_id = made["batch"]["id"]
    light = [r async for r in store.stream_records(SCOPE, batch_id, None, False, False)]
    assert [r["seq"] for r in light] == [0, 1, 2]
    assert "text" not in light[0] and "pages" not in light[0]
    full = [r async for r in store.stream_records(SCOPE, batch_id, None, True, True, limit=1)]
    assert len(full) == 1 and full[0]["text"] == "text 0"


async def test_blobs_round_trip_and_can_be_deleted(store):
    writer = await store.open_blob_writer("x.bin", "application/octet-stream")
    payload = bytes(range(256)) * 5000  # several GridFS chunks
    await writer.write(payload[:1000])
    await writer.write(payload[1000:])
    blob = await writer.finish()
    assert blob.size == len(payload)
    assert b"".join([c async for c in store.read_blob(blob.blob_id)]) == payload
    await store.delete_blob(blob.blob_id)
    assert [c async for c in store.read_blob(blob.blob_id)] == []


async def test_pending_records_are_found_for_requeue(store):
    old = datetime.now(UTC) - timedelta(minutes=5)
    made = await make_batch(store, files=2, created=old)
    await store.mark_records_queued([made["records"][0]["id"]], datetime.now(UTC))
    pending = await store.pending_records(datetime.now(UTC) - timedelta(seconds=30), 10)
    assert [r["id"] for r in pending] == [made["records"][1]["id"]]
