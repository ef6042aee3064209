"""Templates, processing history and retries through the batch service; priorities with a real worker process."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from google.protobuf.json_format import ParseDict

from ocrbatch.v1 import batch_pb2, common_pb2, jobs_pb2, templates_pb2, templates_pb2_grpc
from services.common.jetstream import JOBS_STREAM
from tests.support.batch_calls import create, publish_result, record, wait_for_batch
from tests.support.processes import start_worker

CUSTOM = {
    "name": "Purchase orders",
    "resultFormat": "csv",
    "fields": [
        {"name": "orderNumber", "rule": {"regex": {"pattern": "PO[- ]?(\\d+)"}}},
        {"name": "total", "type": "money", "rule": {"label": {"labels": ["Total"]}}},
    ],
}


@pytest.fixture
def templates(stack) -> templates_pb2_grpc.TemplateServiceStub:
    return stack.templates


async def test_templates_are_created_read_listed_replaced_and_deleted(stack, templates):
    save = templates_pb2.SaveTemplateRequest(scope=stack.scope, template=ParseDict(CUSTOM, templates_pb2.Template()))
    created = await templates.CreateTemplate(save)
    assert created.id and created.name == "Purchase orders" and created.result_format == "csv"
    listed = await templates.ListTemplates(templates_pb2.ListTemplatesRequest(scope=stack.scope))
    assert [t.id for t in listed.data][:3] == ["invoice", "receipt", "generic"]
    assert created.id in [t.id for t in listed.data]

    replacement = ParseDict({**CUSTOM, "name": "POs"}, templates_pb2.Template(id=created.id))
    replacement.fields.pop()
    updated = await templates.UpdateTemplate(templates_pb2.SaveTemplateRequest(scope=stack.scope, template=replacement))
    assert updated.name == "POs" and [f.name for f in updated.fields] == ["orderNumber"]

    other = common_pb2.Scope(organization_id=stack.scope.organization_id, project_id="someone-else")
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await templates.GetTemplate(templates_pb2.GetTemplateRequest(scope=other, template_id=created.id))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND

    await templates.DeleteTemplate(templates_pb2.GetTemplateRequest(scope=stack.scope, template_id=created.id))
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await templates.GetTemplate(templates_pb2.GetTemplateRequest(scope=stack.scope, template_id=created.id))
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def test_invalid_templates_and_builtin_changes_are_refused(stack, templates):
    bad = ParseDict(
        {"name": "x", "fields": [{"name": "t", "rule": {"regex": {"pattern": "T\\d+"}}}]}, templates_pb2.Template()
    )
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await templates.CreateTemplate(templates_pb2.SaveTemplateRequest(scope=stack.scope, template=bad))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "fields[0] (t).rule.regex.pattern" in err.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await templates.DeleteTemplate(templates_pb2.GetTemplateRequest(scope=stack.scope, template_id="invoice"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_batch_template_is_snapshotted_into_every_job(stack):
    batch = await create(stack, [("a.txt", b"Invoice No: 1")], template_id="invoice")
    assert batch.template_name == "Invoice"
    job = jobs_pb2.OcrJob.FromString((await stack.js.get_msg(JOBS_STREAM, 1)).data)
    assert job.template.id == "invoice" and [f.name for f in job.template.fields][0] == "invoiceNumber"
    assert (await record(stack, batch.processing_history_ids[0])).result_format == "json"


async def test_processing_history_filters_pages_and_counts(stack):
    first = await create(stack, [("alpha-invoice.pdf", b"1"), ("beta.png", b"2")], template_id="invoice")
    second = await create(stack, [("gamma.png", b"3")])
    r1, r2 = first.processing_history_ids
    done = {"batch_id": first.id, "kind": jobs_pb2.RESULT_KIND_COMPLETED, "delivery": 1}
    await publish_result(stack, "h1", record_id=r1, text="t", **done)
    await publish_result(
        stack, "h2", record_id=r2, batch_id=first.id, kind=jobs_pb2.RESULT_KIND_FAILED, delivery=1, error="bad"
    )
    await wait_for_batch(stack, first.id, common_pb2.BATCH_STATUS_PARTIALLY_FAILED)

    async def listed(**kw) -> list[str]:
        reply = await stack.batches.ListRecords(batch_pb2.ListRecordsRequest(scope=stack.scope, **kw))
        return [r.file_name for r in reply.data]

    assert sorted(await listed()) == ["alpha-invoice.pdf", "beta.png", "gamma.png"]
    assert await listed(status=common_pb2.RECORD_STATUS_FAILED) == ["beta.png"]
    assert await listed(search="ALPHA") == ["alpha-invoice.pdf"]  # file name, any case
    assert sorted(await listed(search="invoice")) == ["alpha-invoice.pdf", "beta.png"]  # or template name
    assert sorted(await listed(template_id="invoice")) == ["alpha-invoice.pdf", "beta.png"]
    assert await listed(batch_id=second.id) == ["gamma.png"]
    assert await listed(to_date="2000-01-01") == []
    page = await stack.batches.ListRecords(batch_pb2.ListRecordsRequest(scope=stack.scope, limit=2, page=2))
    assert (page.pagination.total, page.pagination.pages, len(page.data)) == (3, 2, 1)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.batches.ListRecords(batch_pb2.ListRecordsRequest(scope=stack.scope, from_date="31/03/2026"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "fromDate" in err.value.details()

    stats = await stack.batches.RecordStats(batch_pb2.RecordStatsRequest(scope=stack.scope))
    assert (stats.total, stats.pending, stats.processing, stats.completed, stats.failed) == (3, 0, 1, 1, 1)


async def test_a_retried_failure_reopens_the_batch_and_a_retried_success_completes_it(stack):
    batch = await create(stack, [("a.png", b"1"), ("b.png", b"2")])
    r1, r2 = batch.processing_history_ids
    await publish_result(
        stack, "ok", record_id=r1, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_COMPLETED, delivery=1, text="x"
    )
    await publish_result(
        stack, "ko", record_id=r2, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_FAILED, delivery=1, error="bad"
    )
    await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_PARTIALLY_FAILED)

    retried = await stack.batches.RetryRecord(batch_pb2.RetryRecordRequest(scope=stack.scope, record_id=r2))
    assert retried.status == common_pb2.RECORD_STATUS_QUEUED and retried.error == ""
    reopened = await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_PROCESSING)
    assert (reopened.completed_files, reopened.failed_files, reopened.progress) == (1, 0, 50.0)
    with pytest.raises(grpc.aio.AioRpcError) as err:  # a record being read cannot be retried
        await stack.batches.RetryRecord(batch_pb2.RetryRecordRequest(scope=stack.scope, record_id=r2))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "only failed or completed records can be retried" in (err.value.details() or "")

    job = jobs_pb2.OcrJob.FromString((await stack.js.get_msg(JOBS_STREAM, 3)).data)
    assert job.record_id == r2 and job.generation == 2
    # a late result of the first attempt changes nothing; the retry's result completes the batch
    await publish_result(
        stack, "old", record_id=r2, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_FAILED, delivery=2, error="late"
    )
    result = jobs_pb2.OcrResult(
        record_id=r2, batch_id=batch.id, generation=2, kind=jobs_pb2.RESULT_KIND_COMPLETED, delivery=1, text="ok now"
    )
    await stack.js.publish("ocr.results", result.SerializeToString(), headers={"Nats-Msg-Id": "new"})
    final = await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_COMPLETED)
    assert (final.completed_files, final.failed_files, final.progress) == (2, 0, 100.0)
    assert (await record(stack, r2)).text == "ok now"

    # a completed record is read again too: the batch counts it out until its new result
    await stack.batches.RetryRecord(batch_pb2.RetryRecordRequest(scope=stack.scope, record_id=r1))
    again = await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_PROCESSING)
    assert (again.completed_files, again.failed_files, again.progress) == (1, 0, 50.0)


async def test_high_priority_jobs_are_taken_before_queued_lower_ones(stack, tmp_path):
    low = await create(stack, [(f"low-{i}.txt", f"Invoice No: L-{i}".encode()) for i in range(3)], priority="low")
    high = await create(stack, [("high.txt", b"Invoice No: H-1")], priority="high")
    worker = await asyncio.to_thread(start_worker, tmp_path, stack.nats_url, stack.target)
    try:
        await wait_for_batch(stack, low.id, common_pb2.BATCH_STATUS_COMPLETED, within_s=60)
        await wait_for_batch(stack, high.id, common_pb2.BATCH_STATUS_COMPLETED, within_s=60)
    finally:
        assert worker.stop() == 0, worker.log()[-2000:]
    started = {}
    for rid in [*low.processing_history_ids, *high.processing_history_ids]:
        rec = await record(stack, rid)
        started[rec.file_name] = rec.started_at.ToDatetime()
    assert min(started, key=started.get) == "high.txt", started


async def test_records_flagged_for_review_are_filtered_and_counted(stack):
    batch = await create(stack, [("unsure.png", b"1"), ("sure.png", b"2")], template_id="receipt")
    unsure, sure = batch.processing_history_ids
    done = {"batch_id": batch.id, "kind": jobs_pb2.RESULT_KIND_COMPLETED, "delivery": 1}
    await publish_result(stack, "review-1", record_id=unsure, text="t", needs_review=True, **done)
    await publish_result(stack, "review-2", record_id=sure, text="t", needs_review=False, **done)
    await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_COMPLETED)

    async def listed(**kw) -> list[str]:
        reply = await stack.batches.ListRecords(
            batch_pb2.ListRecordsRequest(scope=stack.scope, batch_id=batch.id, **kw)
        )
        return [r.file_name for r in reply.data]

    assert await listed(needs_review=True) == ["unsure.png"]
    assert await listed(needs_review=False) == ["sure.png"]
    assert sorted(await listed()) == ["sure.png", "unsure.png"]
    assert (await record(stack, unsure)).needs_review and not (await record(stack, sure)).needs_review
    stats = await stack.batches.RecordStats(batch_pb2.RecordStatsRequest(scope=stack.scope))
    assert stats.needs_review == 1  # no other record of this stack was flagged
