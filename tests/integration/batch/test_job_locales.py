"""The locale each published job carries, through the batch service's real gRPC server and a real NATS: the
upload's, else the template snapshot's, else the project's (none: empty), with where it came from; a retry
and a declared document uploaded later are read the same way."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.json_format import ParseDict

from ocrbatch.v1 import batch_pb2, common_pb2, jobs_pb2, templates_pb2, tenancy_pb2, tenancy_pb2_grpc
from services.common.jetstream import JOBS_STREAM
from tests.support.batch_calls import create, publish_result, wait_for_batch

RECEIPT = {
    "name": "German receipts",
    "locale": "de_de",
    "fields": [{"name": "total", "type": "money", "rule": {"label": {"labels": ["Summe"]}}}],
}


@pytest.fixture
def admin(batch_channel) -> tenancy_pb2_grpc.AdminServiceStub:
    return tenancy_pb2_grpc.AdminServiceStub(batch_channel)


async def published(stack) -> dict[str, jobs_pb2.OcrJob]:
    """Every job on the queue by record id (the latest generation of a retried record)."""
    info = await stack.js.stream_info(JOBS_STREAM)
    jobs = [
        jobs_pb2.OcrJob.FromString((await stack.js.get_msg(JOBS_STREAM, seq)).data)
        for seq in range(info.state.first_seq, info.state.last_seq + 1)
    ]
    return {job.record_id: job for job in jobs}


async def hint(stack, batch) -> tuple[str, str]:
    job = (await published(stack))[batch.processing_history_ids[0]]
    return job.locale, job.locale_source


async def set_project_locale(stack, admin, locale: str) -> str:
    request = tenancy_pb2.UpdateProjectRequest(project_id=stack.scope.project_id, locale=locale)
    return (await admin.UpdateProject(request)).locale


async def test_the_upload_locale_beats_the_templates_which_beats_the_projects(stack, admin):
    assert await set_project_locale(stack, admin, "fr_fr") == "fr-FR"
    template = await stack.templates.CreateTemplate(
        templates_pb2.SaveTemplateRequest(scope=stack.scope, template=ParseDict(RECEIPT, templates_pb2.Template()))
    )
    assert template.locale == "de-DE"

    given = await create(stack, [("a.png", b"1")], template_id=template.id, locale="en_us")
    assert given.locale == "en-US"
    assert await hint(stack, given) == ("en-US", "upload")
    shown = await stack.batches.GetBatch(batch_pb2.GetBatchRequest(scope=stack.scope, batch_id=given.id))
    assert shown.locale == "en-US"

    from_template = await create(stack, [("b.png", b"2")], template_id=template.id)
    assert from_template.locale == ""  # the batch shows only what its upload gave
    assert await hint(stack, from_template) == ("de-DE", "template")

    from_project = await create(stack, [("c.png", b"3")], template_id="invoice")  # a built-in: no locale
    assert await hint(stack, from_project) == ("fr-FR", "project")

    assert await set_project_locale(stack, admin, "") == ""
    nothing = await create(stack, [("d.png", b"4")])
    assert await hint(stack, nothing) == ("", "")


async def test_a_retried_file_is_read_by_the_locale_its_upload_gave(stack):
    batch = await create(stack, [("a.png", b"1")], locale="nl-NL")
    record_id = batch.processing_history_ids[0]
    await publish_result(
        stack, "ko", record_id=record_id, batch_id=batch.id, kind=jobs_pb2.RESULT_KIND_FAILED, delivery=1, error="x"
    )
    await wait_for_batch(stack, batch.id, common_pb2.BATCH_STATUS_FAILED)
    await stack.batches.RetryRecord(batch_pb2.RetryRecordRequest(scope=stack.scope, record_id=record_id))
    job = (await published(stack))[record_id]
    assert (job.generation, job.locale, job.locale_source) == (2, "nl-NL", "upload")


async def test_a_declared_document_uploaded_later_carries_the_locale_of_its_declaration(stack, admin):
    assert await set_project_locale(stack, admin, "es_es") == "es-ES"
    declared = await stack.batches.DeclareBatch(
        batch_pb2.DeclareBatchRequest(scope=stack.scope, document_names=["a.txt", "b.txt"], doc_type="receipt")
    )
    with_locale = await stack.batches.DeclareBatch(
        batch_pb2.DeclareBatchRequest(scope=stack.scope, document_names=["c.txt"], doc_type="receipt", locale="ms_my")
    )
    assert (declared.locale, with_locale.locale) == ("", "ms-MY")
    await set_project_locale(stack, admin, "")  # changed after the declaration: its documents keep what it gave

    async def upload(batch_id: str):
        yield batch_pb2.UploadDocumentRequest(header=batch_pb2.DocumentHeader(batch_id=batch_id, index=0))
        yield batch_pb2.UploadDocumentRequest(chunk=b"TOTAL 12,50")

    first = await stack.batches.UploadDocument(upload(declared.id))
    second = await stack.batches.UploadDocument(upload(with_locale.id))
    jobs = await published(stack)
    assert (jobs[first.id].locale, jobs[first.id].locale_source) == ("es-ES", "project")
    assert (jobs[second.id].locale, jobs[second.id].locale_source) == ("ms-MY", "upload")


async def test_a_wrong_locale_is_refused_naming_the_field_and_nothing_is_stored(stack, admin):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await create(stack, [("a.png", b"1")], locale="xx_1")
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details().startswith("locale: 'xx_1' is not a BCP 47 locale")
    listed = await stack.batches.ListBatches(batch_pb2.ListBatchesRequest(scope=stack.scope))
    assert listed.pagination.total == 0
    assert (await stack.js.stream_info(JOBS_STREAM)).state.messages == 0

    bad_template = ParseDict({**RECEIPT, "locale": "german"}, templates_pb2.Template())
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.templates.CreateTemplate(
            templates_pb2.SaveTemplateRequest(scope=stack.scope, template=bad_template)
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.details().startswith("locale: 'german' is not a BCP 47 locale")

    with pytest.raises(grpc.aio.AioRpcError) as err:
        await admin.CreateProject(
            tenancy_pb2.CreateProjectRequest(organization_id=stack.scope.organization_id, name="Bad", locale="en-USA")
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "locale: 'en-USA'" in err.value.details()
    project = await admin.CreateProject(
        tenancy_pb2.CreateProjectRequest(organization_id=stack.scope.organization_id, name="Good", locale="en_gb")
    )
    assert project.locale == "en-GB"
