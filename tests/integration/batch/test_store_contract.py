"""The MongoDB adapters' contract with the ports, against SecantusDB always and a real MongoDB when one can be had."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from bson import Int64, ObjectId
from gridfs import AsyncGridFSBucket
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from services.batch.adapters.mongo.batches import MongoBatches
from services.batch.adapters.mongo.blobs import GridFsBlobs
from services.batch.adapters.mongo.database import Database
from services.batch.domain.model import Batch, Outcome, Record, RecordQuery, Scope, Upload
from services.batch.domain.rules import BatchStatus, RecordStatus

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
async def database(request: pytest.FixtureRequest, unique_db: str) -> AsyncIterator[Database]:
    uri = request.getfixturevalue("secantus_uri" if request.param == "secantusdb" else "real_mongodb_uri")
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    database = Database(client, unique_db)
    await database.ensure_indexes()
    try:
        yield database
    finally:
        await client.drop_database(unique_db)
        await client.close()


@pytest.fixture
def batches(database: Database) -> MongoBatches:
    return MongoBatches(database)


async def make_batch(
    batches: MongoBatches, scope: Scope = SCOPE, files: int = 2, created: datetime | None = None
) -> tuple[Batch, list[Record]]:
    at = created or datetime.now(UTC)
    batch_id = batches.new_id()
    records = [
        Record(
            id=batches.new_id(),
            upload_id="",
            batch_id=batch_id,
            seq=i,
            organization_id=scope.organization_id,
            project_id=scope.project_id,
            file_name=f"f{i}.png",
            file_size=1,
            mime_type="image/png",
            blob_id="",
            text=f"text {i}",
            created_at=at,
            updated_at=at,
        )
        for i in range(files)
    ]
    batch = Batch(
        id=batch_id,
        name="b",
        organization_id=scope.organization_id,
        project_id=scope.project_id,
        total_files=files,
        record_ids=[r.id for r in records],
        created_at=at,
        updated_at=at,
    )
    batch.start_processing(at)
    await batches.add(batch, [], records)
    return batch, records


def completed(at: datetime, result: dict | None = None) -> Outcome:
    return Outcome(completed=True, at=at, attempts=1, text="read", processing_result=result or {"a": 1})


async def test_a_batch_is_visible_only_in_its_own_scope(batches):
    batch, records = await make_batch(batches)
    assert (await batches.get(SCOPE, batch.id)).name == "b"
    assert await batches.get(OTHER, batch.id) is None
    assert await batches.get_record(OTHER, records[0].id) is None
    assert await batches.get(SCOPE, "not-an-id") is None


async def test_list_pages_newest_first_with_status_filter(batches):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [(await make_batch(batches, created=base + timedelta(minutes=i)))[0].id for i in range(5)]
    page1, total = await batches.list(SCOPE, 1, 2, None)
    page3, _ = await batches.list(SCOPE, 3, 2, None)
    assert total == 5
    assert [b.id for b in page1] == [ids[4], ids[3]]
    assert [b.id for b in page3] == [ids[0]]
    none, total_completed = await batches.list(SCOPE, 1, 10, "completed")
    assert none == [] and total_completed == 0


async def test_soft_deleted_batches_disappear_from_gets_lists_and_records(batches):
    batch, records = await make_batch(batches)
    assert await batches.soft_delete(SCOPE, batch.id, datetime.now(UTC)) is not None
    assert await batches.get(SCOPE, batch.id) is None
    assert (await batches.list(SCOPE, 1, 10, None))[1] == 0
    assert await batches.get_record(SCOPE, records[0].id) is None
    assert await batches.soft_delete(SCOPE, batch.id, datetime.now(UTC)) is None  # already gone


async def test_a_record_is_finished_once_and_counted_once(batches):
    batch, records = await make_batch(batches, files=2)
    now = datetime.now(UTC)
    first = await batches.finish_record(records[0].id, 1, completed(now, {"a": 1, "b": {"c": 2}}))
    failed = Outcome(completed=False, at=now, attempts=2, error="late")
    again = await batches.finish_record(records[0].id, 1, failed)  # ignored: already final
    assert first.status == again.status == RecordStatus.COMPLETED
    stored = await batches.get_record(None, records[0].id)
    assert stored.status == RecordStatus.COMPLETED and stored.text == "read" and stored.error is None
    before, after = await batches.count_record(first, now)
    _, repeat = await batches.count_record(again, now)  # a redelivered result
    assert (before, after.completed_files, after.status, repeat) == (
        BatchStatus.PROCESSING,
        1,
        BatchStatus.PROCESSING,
        None,
    )
    stored_batch = await batches.get(SCOPE, batch.id)
    assert (stored_batch.completed_files, stored_batch.progress, stored_batch.status) == (
        1,
        50.0,
        BatchStatus.PROCESSING,
    )
    assert stored_batch.result_fields == ["a", "b.c"]


async def test_a_result_of_another_generation_is_ignored(batches):
    _, records = await make_batch(batches, files=1)
    assert await batches.finish_record(records[0].id, 2, completed(datetime.now(UTC))) is None
    assert (await batches.get_record(None, records[0].id)).status == RecordStatus.PENDING


async def test_concurrent_changes_of_a_batch_are_all_kept(batches):
    """Each change is stored over the version it read; a change that lost the race is made again on the newer one."""
    batch, records = await make_batch(batches, files=6)
    now = datetime.now(UTC)
    finished = [await batches.finish_record(r.id, 1, completed(now)) for r in records]
    await asyncio.gather(
        *(batches.count_record(r, now) for r in finished),
        *(batches.change(batch.id, described(f"note {i}")) for i in range(3)),  # other changes meanwhile
    )
    stored = await batches.get(SCOPE, batch.id)
    assert (stored.completed_files, stored.status, stored.progress) == (6, BatchStatus.COMPLETED, 100.0)
    assert stored.description.startswith("note ")


def described(text: str) -> Callable[[Batch], bool]:
    def change(batch: Batch) -> bool:
        batch.description = text
        return True

    return change


async def test_a_retried_record_is_uncounted_once_and_the_batch_is_open_again(batches):
    batch, records = await make_batch(batches, files=1)
    now = datetime.now(UTC)
    failed = await batches.finish_record(records[0].id, 1, Outcome(completed=False, at=now, attempts=2, error="x"))
    _, final = await batches.count_record(failed, now)
    assert (final.status, final.failed_files) == (BatchStatus.FAILED, 1)
    reopened = await batches.uncount_record(failed, RecordStatus.FAILED, now)
    assert (reopened.status, reopened.failed_files, reopened.progress) == (BatchStatus.PROCESSING, 0, 0.0)
    assert await batches.uncount_record(failed, RecordStatus.FAILED, now) is None  # not counted any more


async def test_records_across_the_whole_bitmap_of_counted_seqs_are_each_counted_once(batches):
    """Counted records are marked by their seq in words of 62 bits: the first and last seq of a word and of the
    next ones, counted twice each (redelivered results), count once; a retried one is uncounted alone."""
    batch, records = await make_batch(batches, files=130)
    now = datetime.now(UTC)
    chosen = [records[seq] for seq in (0, 61, 62, 123, 124, 129)]
    finished = [await batches.finish_record(r.id, 1, completed(now)) for r in chosen[:-1]]
    finished.append(await batches.finish_record(chosen[-1].id, 1, Outcome(completed=False, at=now, attempts=1)))
    for record in [*finished, *finished]:
        await batches.count_record(record, now)
    stored = await batches.get(SCOPE, batch.id)
    assert (stored.completed_files, stored.failed_files) == (5, 1)
    assert stored.counted_seqs == {0, 61, 62, 123, 124, 129}
    await batches.uncount_record(finished[-1], finished[-1].status, now)
    stored = await batches.get(SCOPE, batch.id)
    assert (stored.completed_files, stored.failed_files, stored.counted_seqs) == (5, 0, {0, 61, 62, 123, 124})


async def test_a_record_counted_by_an_earlier_version_is_not_counted_again_and_can_be_retried(database, batches):
    """Batches stored before the bitmap listed their counted record ids: a redelivered result of such a record
    counts nothing, and retrying it (failed) takes it out of the counters."""
    batch, records = await make_batch(batches, files=2)
    now = datetime.now(UTC)
    failed = await batches.finish_record(records[0].id, 1, Outcome(completed=False, at=now, attempts=1, error="x"))
    await database.batches.update_one(
        {"_id": ObjectId(batch.id)}, {"$inc": {"failedFiles": 1}, "$addToSet": {"countedRecordIds": failed.id}}
    )  # as the earlier version counted it
    assert await batches.count_record(failed, now) == (BatchStatus.PROCESSING, None)
    reopened = await batches.uncount_record(failed, RecordStatus.FAILED, now)
    assert (reopened.failed_files, reopened.status) == (0, BatchStatus.PROCESSING)
    counted = await batches.count_record(failed, now)  # the retry's result
    assert counted[1].failed_files == 1
    assert (
        await batches.uncount_record(failed, RecordStatus.FAILED, now) is not None
        and await batches.uncount_record(failed, RecordStatus.FAILED, now) is None
    )


async def test_each_declared_document_that_comes_is_counted_once_with_its_upload(database, batches):
    batch, _ = await make_batch(batches, files=2)
    await database.batches.update_one({"_id": ObjectId(batch.id)}, {"$set": {"waitingFiles": 2, "status": "uploading"}})
    now = datetime.now(UTC)
    first = await batches.document_uploaded(batch.id, "upload-1", now)
    assert (first.waiting_files, first.status) == (1, BatchStatus.PROCESSING)
    assert (await batches.document_uploaded(batch.id, "upload-2", now)).waiting_files == 0
    assert await batches.document_uploaded(batch.id, "upload-3", now) is None  # nothing waits
    assert (await batches.get(SCOPE, batch.id)).upload_ids == ["upload-1", "upload-2"]


async def test_the_count_that_ends_a_batch_returns_it_final_and_whole(batches):
    batch, records = await make_batch(batches, files=2)
    now = datetime.now(UTC)
    ok = await batches.finish_record(records[0].id, 1, completed(now))
    bad = await batches.finish_record(records[1].id, 1, Outcome(completed=False, at=now, attempts=3, error="bad"))
    _, middle = await batches.count_record(ok, now)
    assert middle.record_ids == []  # read without its id lists while it goes on
    before, final = await batches.count_record(bad, now)
    assert (before, final.status, final.progress) == (BatchStatus.PROCESSING, BatchStatus.PARTIALLY_FAILED, 100.0)
    assert final.record_ids == [r.id for r in records]  # what batch.completed carries


@pytest.mark.parametrize("marked_by", ["bitmap", "earlier version"])
async def test_a_status_left_behind_its_counters_is_settled_by_the_redelivered_result(database, batches, marked_by):
    """A crash after the count but before the status moved: the redelivered result counts nothing again,
    and settles the status."""
    batch, records = await make_batch(batches, files=1)
    now = datetime.now(UTC)
    done = await batches.finish_record(records[0].id, 1, completed(now))
    mark = {"$bit": {"countedSeqs.0": {"or": Int64(1)}}}  # seq 0, as the first update of count_record marks it
    if marked_by == "earlier version":
        mark = {"$addToSet": {"countedRecordIds": done.id}}
    await database.batches.update_one(
        {"_id": ObjectId(batch.id)}, {"$inc": {"completedFiles": 1}, **mark}
    )  # counted, and the process died
    before, settled = await batches.count_record(done, now)
    assert (before, settled.status, settled.completed_files) == (BatchStatus.PROCESSING, BatchStatus.COMPLETED, 1)
    assert await batches.count_record(done, now) == (BatchStatus.COMPLETED, None)


async def test_records_stream_in_upload_order_without_heavy_fields_unless_asked(batches):
    batch, _ = await make_batch(batches, files=3)
    light = [r async for r in batches.stream_records(SCOPE, batch.id, None, False, False)]
    assert [r.seq for r in light] == [0, 1, 2]
    assert light[0].text is None and light[0].pages == []
    full = [r async for r in batches.stream_records(SCOPE, batch.id, None, True, True, limit=1)]
    assert len(full) == 1 and full[0].text == "text 0"


async def test_blobs_round_trip_and_can_be_deleted(database):
    blobs = GridFsBlobs(database)
    writer = await blobs.open_writer("x.bin", "application/octet-stream")
    payload = bytes(range(256)) * 5000  # several GridFS chunks
    await writer.write(payload[:1000])
    await writer.write(payload[1000:])
    blob = await writer.finish()
    assert blob.size == len(payload)
    assert b"".join([c async for c in blobs.read(blob.blob_id)]) == payload
    await blobs.delete(blob.blob_id)
    assert [c async for c in blobs.read(blob.blob_id)] == []


async def test_blobs_are_gridfs_files_any_gridfs_reader_reads(database):
    """Written per the GridFS spec without PyMongo's bucket: its reader finds the bytes, name and type,
    across more chunks than one insert holds."""
    blobs = GridFsBlobs(database)
    writer = await blobs.open_writer("scan.tiff", "image/tiff")
    payload = hashlib.sha256(b"seed").digest() * (5 * 1024 * 1024 // 32 + 7)  # > FLUSH_BYTES, not whole chunks
    for start in range(0, len(payload), 100_000):
        await writer.write(payload[start : start + 100_000])
    blob = await writer.finish()
    assert (blob.size, blob.sha256) == (len(payload), hashlib.sha256(payload).hexdigest())
    stream = await AsyncGridFSBucket(database.db, bucket_name="blobs").open_download_stream(ObjectId(blob.blob_id))
    assert (stream.filename, stream.length) == ("scan.tiff", len(payload))
    assert stream.metadata == {"contentType": "image/tiff"}
    assert await stream.read() == payload
    assert b"".join([c async for c in blobs.read(blob.blob_id)]) == payload


async def test_an_aborted_blob_leaves_no_chunk(database):
    blobs = GridFsBlobs(database)
    writer = await blobs.open_writer("big.pdf", "application/pdf")
    await writer.write(b"x" * (5 * 1024 * 1024))  # past FLUSH_BYTES: chunks were written already
    await writer.abort()
    assert await database.db["blobs.chunks"].count_documents({}) == 0
    assert await database.db["blobs.files"].count_documents({}) == 0


async def test_pending_records_are_found_for_requeue(batches):
    old = datetime.now(UTC) - timedelta(minutes=5)
    _, records = await make_batch(batches, files=2, created=old)
    await batches.mark_queued([records[0].id], datetime.now(UTC))
    pending = await batches.pending_records(datetime.now(UTC) - timedelta(seconds=30), 10)
    assert [r.id for r in pending] == [records[1].id]


async def test_without_transactions_a_crash_between_the_writes_leaves_no_half_batch_and_the_sweep_settles_it(
    database, batches
):
    """A standalone mongod has no transactions: records are written before their batch. Here the batch's
    insert fails (its id is taken), as a crash would stop it: the records stay invisible, and the sweep
    removes them with their uploads and files; records whose batch was written become visible."""
    database._transactions = False  # the standalone path, on any server
    blobs = GridFsBlobs(database)
    writer = await blobs.open_writer("a.png", "image/png")
    await writer.write(b"bytes")
    blob = await writer.finish()
    at = datetime.now(UTC) - timedelta(hours=2)
    batch_id = batches.new_id()
    record = Record(
        id=batches.new_id(), upload_id="", batch_id=batch_id, seq=0, organization_id=SCOPE.organization_id,
        project_id=SCOPE.project_id, file_name="a.png", file_size=5, mime_type="image/png", blob_id=blob.blob_id,
        created_at=at, updated_at=at,
    )  # fmt: skip
    upload = Upload(batches.new_id(), batch_id, SCOPE.organization_id, SCOPE.project_id, "a.png", 5, "image/png",
                    blob.blob_id, blob.sha256, at)  # fmt: skip
    batch = Batch(
        id=batch_id, name="half", organization_id=SCOPE.organization_id, project_id=SCOPE.project_id,
        total_files=1, record_ids=[record.id], created_at=at, updated_at=at,
    )  # fmt: skip
    await database.batches.insert_one({"_id": ObjectId(batch_id), "taken": True})  # the batch write will fail
    with pytest.raises(DuplicateKeyError):
        await batches.add(batch, [upload], [record])
    await database.batches.delete_one({"_id": ObjectId(batch_id)})  # as if the process died before the batch

    assert await batches.get_record(SCOPE, record.id) is None
    assert (await batches.list_records(SCOPE, RecordQuery(), 1, 10))[1] == 0
    assert await batches.record_counts(SCOPE) == {}
    assert await batches.pending_records(datetime.now(UTC), 10) == []  # never queued

    report = await batches.sweep(datetime.now(UTC) - timedelta(hours=1))
    assert (report.removed, report.committed, report.blob_ids) == (1, 0, [blob.blob_id])
    assert await database.records.count_documents({}) == await database.uploads.count_documents({}) == 0


async def test_the_sweep_commits_records_whose_batch_was_written(database, batches):
    database._transactions = False
    old = datetime.now(UTC) - timedelta(hours=2)
    batch, records = await make_batch(batches, files=2, created=old)
    await database.records.update_many({"batchId": batch.id}, {"$set": {"uncommitted": True}})  # died before commit
    assert (await batches.list_records(SCOPE, RecordQuery(), 1, 10))[1] == 0
    report = await batches.sweep(datetime.now(UTC) - timedelta(hours=1))
    assert (report.committed, report.removed) == (2, 0)
    assert (await batches.list_records(SCOPE, RecordQuery(), 1, 10))[1] == 2
    assert len(await batches.pending_records(datetime.now(UTC), 10)) == 2  # the re-queue loop publishes them now


async def streamed_upload(
    batches: MongoBatches, blobs: GridFsBlobs, files: int, at: datetime
) -> tuple[Batch, list[Upload], list[Record]]:
    """A streamed upload as BatchUpload writes it: the batch receiving, then each file with its record."""
    batch = Batch(
        id=batches.new_id(), name="streamed", organization_id=SCOPE.organization_id, project_id=SCOPE.project_id,
        total_files=files, receiving=True, created_at=at, updated_at=at,
    )  # fmt: skip
    await batches.add(batch, [], [])
    uploads, records = [], []
    for seq in range(files):
        writer = await blobs.open_writer(f"f{seq}.png", "image/png")
        await writer.write(b"bytes")
        blob = await writer.finish()
        upload = Upload(batches.new_id(), batch.id, SCOPE.organization_id, SCOPE.project_id, f"f{seq}.png", 5,
                        "image/png", blob.blob_id, blob.sha256, at)  # fmt: skip
        record = Record(
            id=batches.new_id(), upload_id=upload.id, batch_id=batch.id, seq=seq,
            organization_id=SCOPE.organization_id, project_id=SCOPE.project_id, file_name=upload.file_name,
            file_size=5, mime_type="image/png", blob_id=blob.blob_id, created_at=at, updated_at=at,
        )  # fmt: skip
        await batches.add_file(upload, record)
        uploads.append(upload)
        records.append(record)
    return batch, uploads, records


async def test_a_streamed_upload_is_hidden_until_committed_and_its_results_count_meanwhile(database, batches):
    batch, uploads, records = await streamed_upload(batches, GridFsBlobs(database), 2, datetime.now(UTC))
    assert await batches.get(SCOPE, batch.id) is None and await batches.owner(batch.id) is None
    assert (await batches.list(SCOPE, 1, 10, None))[1] == 0
    assert (await batches.list_records(SCOPE, RecordQuery(), 1, 10))[1] == 0
    assert await batches.get_record(SCOPE, records[0].id) is None
    assert (await batches.get_record(None, records[0].id)).blob_id == records[0].blob_id  # its worker reads it

    finished = await batches.finish_record(records[0].id, 1, completed(datetime.now(UTC)))
    _, counted = await batches.count_record(finished, datetime.now(UTC))
    assert (counted.completed_files, counted.status) == (1, BatchStatus.UPLOADING)

    at = datetime.now(UTC)
    shown = await batches.commit_upload(
        batch.id, lambda b: b.close_upload([u.id for u in uploads], [r.id for r in records], at)
    )
    stored = await batches.get(SCOPE, batch.id)
    assert (stored.id, stored.version) == (shown.id, shown.version)
    assert (stored.status, stored.total_files, stored.completed_files, stored.progress) == (
        BatchStatus.PROCESSING, 2, 1, 50.0,
    )  # fmt: skip
    assert (stored.upload_ids, stored.record_ids) == ([u.id for u in uploads], [r.id for r in records])
    assert (await batches.list_records(SCOPE, RecordQuery(), 1, 10))[1] == 2
    assert await batches.owner(batch.id) == Scope(SCOPE.organization_id, SCOPE.project_id)


async def test_a_discarded_upload_leaves_no_batch_record_or_upload(database, batches):
    batch, _, records = await streamed_upload(batches, GridFsBlobs(database), 2, datetime.now(UTC))
    await batches.discard(batch.id)
    for collection in (database.batches, database.records, database.uploads):
        assert await collection.count_documents({}) == 0
    assert await batches.finish_record(records[0].id, 1, completed(datetime.now(UTC))) is None  # a late result


async def test_the_sweep_removes_an_upload_whose_stream_died_and_keeps_one_going_on(database, batches):
    blobs = GridFsBlobs(database)
    dead, _, dead_records = await streamed_upload(batches, blobs, 2, datetime.now(UTC) - timedelta(hours=2))
    alive, _, _ = await streamed_upload(batches, blobs, 1, datetime.now(UTC) - timedelta(hours=2))
    await streamed_upload_file_now(batches, blobs, alive)  # a file came a moment ago: still going on

    report = await batches.sweep(datetime.now(UTC) - timedelta(hours=1))
    assert report.removed == 2 and sorted(report.blob_ids) == sorted(r.blob_id for r in dead_records)
    assert await database.batches.count_documents({"_id": ObjectId(dead.id)}) == 0
    assert await database.records.count_documents({"batchId": dead.id}) == 0
    assert await database.batches.count_documents({"_id": ObjectId(alive.id), "receiving": True}) == 1
    assert await database.records.count_documents({"batchId": alive.id}) == 2


async def streamed_upload_file_now(batches: MongoBatches, blobs: GridFsBlobs, batch: Batch) -> None:
    at = datetime.now(UTC)
    writer = await blobs.open_writer("late.png", "image/png")
    await writer.write(b"late")
    blob = await writer.finish()
    upload = Upload(batches.new_id(), batch.id, SCOPE.organization_id, SCOPE.project_id, "late.png", 4, "image/png",
                    blob.blob_id, blob.sha256, at)  # fmt: skip
    record = Record(
        id=batches.new_id(), upload_id=upload.id, batch_id=batch.id, seq=1, organization_id=SCOPE.organization_id,
        project_id=SCOPE.project_id, file_name="late.png", file_size=4, mime_type="image/png",
        blob_id=blob.blob_id, created_at=at, updated_at=at,
    )  # fmt: skip
    await batches.add_file(upload, record)
