"""The batch service's use cases on in-memory fakes of its ports (tests/support/fakes.py): uploads and
their credits, applying results exactly once, retrying a failed record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocrbatch.v1 import common_pb2, jobs_pb2
from services.batch.domain.model import Organization, Project, Scope
from services.batch.domain.rules import BatchStatus, RecordStatus
from services.batch.errors import InsufficientCredits, InvalidArgument, TooLarge
from services.batch.service import history
from services.batch.service.results import ResultApplier
from services.batch.service.templates import TemplateCatalog
from services.batch.service.uploads import BatchUpload, UploadPorts
from tests.support.fakes import FakeBatches, FakeBlobs, FakeTemplates, FakeTenancy, RecordingJobs

ORG, PROJECT = "o" * 24, "p" * 24
SCOPE = Scope(ORG, PROJECT)


class World:
    def __init__(self, credits: int = 10) -> None:
        self.batches, self.blobs, self.tenancy, self.jobs = FakeBatches(), FakeBlobs(), FakeTenancy(), RecordingJobs()
        at = datetime.now(UTC)
        self.tenancy.organizations[ORG] = Organization(ORG, "Org", credits, at)
        self.tenancy.projects[PROJECT] = Project(PROJECT, ORG, "Project", at)
        self.applier = ResultApplier(self.batches, self.jobs)
        catalog = TemplateCatalog(FakeTemplates())
        self.ports = UploadPorts(self.batches, self.blobs, self.tenancy, catalog, self.jobs, applier=self.applier)

    @property
    def credits(self) -> int:
        return self.tenancy.organizations[ORG].credits

    def upload(self, max_files: int = 5, max_file_bytes: int = 1000) -> BatchUpload:
        return BatchUpload(self.ports, max_files=max_files, max_file_bytes=max_file_bytes)

    async def batch_of(self, files: list[bytes], declared: int | None = None):
        upload = self.upload()
        await upload.start(SCOPE, "", "", {}, "", len(files) if declared is None else declared)
        for k, data in enumerate(files):
            await upload.begin_file(f"f{k}.png", "image/png")
            await upload.write(data)
        return await upload.finish()


def result(record_id: str, kind: int, generation: int = 1, **fields) -> jobs_pb2.OcrResult:
    return jobs_pb2.OcrResult(record_id=record_id, generation=generation, kind=kind, delivery=1, **fields)


async def test_an_upload_stores_its_files_queues_a_job_each_and_charges_a_credit_each():
    world = World(credits=10)
    batch = await world.batch_of([b"one", b"two"])
    assert (batch.status, batch.total_files, world.credits) == (BatchStatus.PROCESSING, 2, 8)
    assert sorted(world.blobs.stored.values()) == [b"one", b"two"]
    assert [j.record_id for j in world.jobs.jobs] == batch.record_ids
    assert {r.status for r in world.batches.records.values()} == {RecordStatus.QUEUED}


async def test_credits_are_charged_before_any_byte_is_stored():
    world = World(credits=1)
    upload = world.upload()
    with pytest.raises(InsufficientCredits, match="does not cover 2 files"):
        await upload.start(SCOPE, "", "", {}, "", 2)
    assert world.blobs.stored == {} and world.credits == 1


async def test_without_a_declared_count_each_file_is_charged_as_it_begins():
    world = World(credits=1)
    upload = world.upload()
    await upload.start(SCOPE, "", "", {}, "")
    await upload.begin_file("a.png", "image/png")
    await upload.write(b"a")
    with pytest.raises(InsufficientCredits):
        await upload.begin_file("b.png", "image/png")
    await upload.abort()
    assert world.blobs.stored == {} and world.credits == 1  # the first file's blob and credit are given back


async def test_a_refused_upload_gives_back_its_credits_and_blobs():
    world = World(credits=5)
    upload = world.upload(max_file_bytes=3)
    await upload.start(SCOPE, "", "", {}, "", 2)
    await upload.begin_file("a.png", "image/png")
    await upload.write(b"abc")
    await upload.begin_file("b.png", "image/png")
    with pytest.raises(TooLarge):
        await upload.write(b"abcd")
    await upload.abort()
    assert (world.blobs.stored, world.credits, world.batches.batches) == ({}, 5, {})


async def test_more_files_than_declared_are_refused_and_fewer_are_refunded():
    world = World(credits=5)
    upload = world.upload()
    await upload.start(SCOPE, "", "", {}, "", 1)
    await upload.begin_file("a.png", "image/png")
    with pytest.raises(InvalidArgument, match="more files than the 1"):
        await upload.begin_file("b.png", "image/png")
    await world.batch_of([b"x"], declared=3)
    assert world.credits == 5 - 1 - 1  # the refused upload was never finished; the short one paid for one file


async def test_an_upload_stays_whole_when_nats_is_down_and_its_records_wait_for_the_requeue():
    world = World()
    world.jobs.down = True
    batch = await world.batch_of([b"a"])
    assert batch.status == BatchStatus.PROCESSING and world.jobs.jobs == []
    assert world.batches.records[batch.record_ids[0]].status == RecordStatus.PENDING


async def test_each_file_is_queued_as_soon_as_it_is_stored_and_the_batch_shows_when_the_upload_ends():
    world = World()
    upload = world.upload()
    await upload.start(SCOPE, "", "", {}, "", 2)
    await upload.begin_file("a.png", "image/png")
    await upload.write(b"a")
    await upload.begin_file("b.png", "image/png")  # the first file is complete: stored and queued
    assert [j.file_name for j in world.jobs.jobs] == ["a.png"]
    first = world.jobs.jobs[0].record_id
    assert await world.batches.list(SCOPE, 1, 20, None) == ([], 0)  # hidden while the files come
    assert await world.batches.get_record(SCOPE, first) is None
    assert await world.batches.get_record(None, first) is not None  # a worker can read its file
    await world.applier.apply(result(first, jobs_pb2.RESULT_KIND_COMPLETED, text="A"))  # read meanwhile
    await upload.write(b"b")
    batch = await upload.finish()
    assert [j.file_name for j in world.jobs.jobs] == ["a.png", "b.png"]
    assert (batch.status, batch.total_files, batch.completed_files, batch.progress) == (
        BatchStatus.PROCESSING, 2, 1, 50.0,
    )  # fmt: skip
    assert (await world.batches.get(SCOPE, batch.id)) == batch
    assert (await world.batches.get_record(SCOPE, first)).text == "A"


async def test_a_batch_whose_files_were_all_read_during_the_upload_is_final_when_it_ends():
    world = World()
    upload = world.upload()
    await upload.start(SCOPE, "", "", {}, "", 3)  # declares 3, sends 1: the short upload is refunded
    await upload.begin_file("a.png", "image/png")
    await upload.write(b"a")
    await upload._close_file()  # what the next file header or the end of the stream does
    await world.applier.apply(result(world.jobs.jobs[0].record_id, jobs_pb2.RESULT_KIND_COMPLETED, text="A"))
    assert world.jobs.events[-1][1]["status"] == BatchStatus.UPLOADING  # counted, not final: more may come
    batch = await upload.finish()
    assert (batch.status, batch.total_files, batch.progress, world.credits) == (BatchStatus.COMPLETED, 1, 100.0, 9)
    assert world.jobs.events[-1][1]["status"] == BatchStatus.COMPLETED  # subscribers are told at the end


async def test_a_failed_upload_takes_back_the_files_it_queued_and_their_late_results_change_nothing():
    world = World(credits=5)
    upload = world.upload()
    await upload.start(SCOPE, "", "", {}, "", 3)
    for name in ("a.png", "b.png", "c.png"):
        await upload.begin_file(name, "image/png")
        await upload.write(b"x")
    queued = [j.record_id for j in world.jobs.jobs]
    await upload.abort()  # e.g. the client went away during the last file
    assert (world.batches.batches, world.batches.records, world.blobs.stored, world.credits) == ({}, {}, {}, 5)
    await world.applier.apply(result(queued[0], jobs_pb2.RESULT_KIND_COMPLETED, text="late"))
    assert (world.batches.batches, world.batches.records) == ({}, {})
    assert await world.batches.get_record(None, queued[0]) is None  # its worker finds no file: nothing to do


async def test_a_result_is_applied_once_and_moves_the_batch():
    world = World()
    batch = await world.batch_of([b"a", b"b"])
    first, second = batch.record_ids
    done = result(first, jobs_pb2.RESULT_KIND_COMPLETED, text="INV-1")
    await world.applier.apply(done)
    await world.applier.apply(done)  # redelivered
    await world.applier.apply(result(first, jobs_pb2.RESULT_KIND_FAILED, error="late"))  # already final
    stored = world.batches.batches[batch.id]
    assert (stored.completed_files, stored.failed_files, stored.progress, stored.status) == (
        1, 0, 50.0, BatchStatus.PROCESSING,
    )  # fmt: skip
    await world.applier.apply(result(second, jobs_pb2.RESULT_KIND_FAILED, error="bad file"))
    stored = world.batches.batches[batch.id]
    assert (stored.status, stored.progress) == (BatchStatus.PARTIALLY_FAILED, 100.0)
    # the upload's end, then one event per change, none for repeats
    assert [e["progress"] for _, e in world.jobs.events] == [0.0, 50.0, 100.0]
    assert world.batches.records[first].text == "INV-1"


async def test_a_result_of_an_older_generation_changes_nothing():
    world = World()
    batch = await world.batch_of([b"a"])
    await world.applier.apply(result(batch.record_ids[0], jobs_pb2.RESULT_KIND_COMPLETED, generation=2))
    assert world.batches.records[batch.record_ids[0]].status == RecordStatus.QUEUED
    assert world.batches.batches[batch.id].completed_files == 0


async def test_pages_read_so_far_are_kept_on_the_record_and_told_to_subscribers_and_only_ever_grow():
    world = World()
    batch = await world.batch_of([b"a"])
    record_id = batch.record_ids[0]
    progress = jobs_pb2.RESULT_KIND_PROGRESS
    await world.applier.apply(result(record_id, progress, pages_done=2, pages_total=300))
    await world.applier.apply(result(record_id, progress, pages_done=1, pages_total=300))  # came late
    await world.applier.apply(result(record_id, progress, generation=2, pages_done=9, pages_total=300))  # stale
    stored = world.batches.records[record_id]
    assert (stored.pages_done, stored.pages_total) == (2, 300)
    told = [e for _, e in world.jobs.events if e["event"] == "record_progress_updated"]
    assert told[0] == {
        "event": "record_progress_updated", "batchId": batch.id, "recordId": record_id, "pagesDone": 2,
        "pagesTotal": 300,
    }  # fmt: skip
    pages = [common_pb2.Page(number=n) for n in (1, 2, 3)]
    await world.applier.apply(result(record_id, jobs_pb2.RESULT_KIND_COMPLETED, pages=pages))
    await world.applier.apply(result(record_id, progress, pages_done=3, pages_total=300))  # after the result
    stored = world.batches.records[record_id]
    assert (stored.status, stored.pages_done, stored.pages_total) == (RecordStatus.COMPLETED, 3, 3)


async def test_a_retried_record_is_queued_again_in_a_new_generation_and_uncounted():
    world = World()
    batch = await world.batch_of([b"a"])
    rid = batch.record_ids[0]
    await world.applier.apply(result(rid, jobs_pb2.RESULT_KIND_FAILED, error="engine crashed"))
    assert world.batches.batches[batch.id].status == BatchStatus.FAILED

    retried = await history.retry(world.batches, world.jobs, world.applier, SCOPE, rid)
    assert (retried.status, retried.generation, retried.error) == (RecordStatus.QUEUED, 2, None)
    assert world.jobs.jobs[-1].generation == 2
    stored = world.batches.batches[batch.id]
    assert (stored.failed_files, stored.status, stored.progress) == (0, BatchStatus.PROCESSING, 0.0)

    await world.applier.apply(result(rid, jobs_pb2.RESULT_KIND_FAILED, generation=1, error="late"))  # ignored
    await world.applier.apply(result(rid, jobs_pb2.RESULT_KIND_COMPLETED, generation=2, text="ok"))
    assert world.batches.batches[batch.id].status == BatchStatus.COMPLETED


async def test_only_failed_or_completed_records_can_be_retried():
    world = World()
    batch = await world.batch_of([b"a"])
    with pytest.raises(InvalidArgument, match="only failed or completed records"):
        await history.retry(world.batches, world.jobs, world.applier, SCOPE, batch.record_ids[0])
