"""Which locale a file is read by when its page does not tell: the upload's, else the template's, else the
project's; fixed when its record is made, checked where it enters, and "none" for what was stored before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from google.protobuf.json_format import ParseDict

from ocrbatch.v1 import templates_pb2
from services.batch.adapters.mongo.documents import batch_of, project_of, record_of
from services.batch.domain.model import LocaleChoice, Organization, Project, Scope
from services.batch.errors import InvalidArgument, NotFound
from services.batch.service.jobs import job_for
from services.batch.service.templates import TemplateCatalog
from services.batch.service.tenancy import TenancyAdmin
from services.batch.service.uploads import BatchUpload, UploadPorts
from tests.support.fakes import FakeBatches, FakeBlobs, FakeTemplates, FakeTenancy, RecordingJobs

ORG, PROJECT = "o" * 24, "p" * 24
SCOPE = Scope(ORG, PROJECT)
TEMPLATE = {
    "name": "Receipts",
    "fields": [{"name": "total", "type": "money", "rule": {"label": {"labels": ["Total"]}}}],
}


@pytest.mark.parametrize(
    ("upload", "template", "project", "chosen"),
    [
        ("en-US", "de-DE", "fr-FR", LocaleChoice("en-US", "upload")),
        ("", "de-DE", "fr-FR", LocaleChoice("de-DE", "template")),
        ("", "", "fr-FR", LocaleChoice("fr-FR", "project")),
        ("", "", "", LocaleChoice("", "")),
    ],
)
def test_the_most_specific_locale_given_wins(upload, template, project, chosen):
    assert LocaleChoice.of(upload, template, project) == chosen


class World:
    def __init__(self, project_locale: str = "") -> None:
        self.batches, self.tenancy, self.jobs = FakeBatches(), FakeTenancy(), RecordingJobs()
        at = datetime.now(UTC)
        self.tenancy.organizations[ORG] = Organization(ORG, "Org", 100, at)
        self.tenancy.projects[PROJECT] = Project(PROJECT, ORG, "Project", at, locale=project_locale)
        self.catalog = TemplateCatalog(FakeTemplates())
        self.ports = UploadPorts(self.batches, FakeBlobs(), self.tenancy, self.catalog, self.jobs)

    async def template(self, locale: str) -> str:
        return (
            await self.catalog.create(SCOPE, ParseDict({**TEMPLATE, "locale": locale}, templates_pb2.Template()))
        ).id

    async def upload(self, locale: str = "", template_id: str = ""):
        upload = BatchUpload(self.ports, max_files=5, max_file_bytes=1000)
        await upload.start(SCOPE, "", template_id, {}, "", 2, locale)
        for name in ("a.png", "b.png"):
            await upload.begin_file(name, "image/png")
            await upload.write(b"x")
        return await upload.finish()


async def test_every_job_of_an_upload_carries_its_locale_and_where_it_came_from():
    world = World(project_locale="fr-FR")
    template_id = await world.template("de_de")
    batch = await world.upload("en_us", template_id)
    assert batch.locale == "en-US"
    assert [(j.locale, j.locale_source) for j in world.jobs.jobs] == [("en-US", "upload")] * 2

    world.jobs.jobs.clear()
    batch = await world.upload("", template_id)
    assert batch.locale == ""  # the batch shows only what its upload gave
    assert {(j.locale, j.locale_source) for j in world.jobs.jobs} == {("de-DE", "template")}

    world.jobs.jobs.clear()
    await world.upload("", "invoice")  # a built-in template has no locale
    assert {(j.locale, j.locale_source) for j in world.jobs.jobs} == {("fr-FR", "project")}


async def test_a_retried_record_is_read_by_the_locale_it_was_given():
    world = World(project_locale="nl-NL")
    batch = await world.upload()
    record = world.batches.records[batch.record_ids[0]]
    world.tenancy.projects[PROJECT].locale = "es-ES"  # changed afterwards: the record keeps what it was given
    assert (job_for(record).locale, job_for(record).locale_source) == ("nl-NL", "project")


async def test_without_any_locale_the_job_has_none():
    world = World()
    await world.upload()
    assert {(j.locale, j.locale_source) for j in world.jobs.jobs} == {("", "")}


async def test_an_upload_with_a_wrong_locale_is_refused_before_anything_is_charged():
    world = World()
    upload = BatchUpload(world.ports, max_files=5, max_file_bytes=1000)
    with pytest.raises(InvalidArgument, match=r"^locale: 'xx_1' is not a BCP 47 locale"):
        await upload.start(SCOPE, "", "", {}, "", 2, "xx_1")
    assert world.tenancy.organizations[ORG].credits == 100 and not world.batches.batches


async def test_a_project_is_created_and_updated_with_a_canonical_locale():
    world = World()
    admin = TenancyAdmin(world.tenancy)
    project = await admin.create_project(ORG, "Invoices", "en_gb")
    assert project.locale == "en-GB"
    assert (await admin.update_project(project.id, None, "ms_my")).locale == "ms-MY"
    renamed = await admin.update_project(project.id, "Bills", None)
    assert (renamed.name, renamed.locale) == ("Bills", "ms-MY")  # what is not given is kept
    assert (await admin.update_project(project.id, None, "")).locale == ""  # removed
    with pytest.raises(InvalidArgument, match=r"^locale: 'english' is not a BCP 47 locale"):
        await admin.create_project(ORG, "Other", "english")
    with pytest.raises(InvalidArgument, match="^locale: "):
        await admin.update_project(project.id, None, "xx_1")
    with pytest.raises(NotFound):
        await admin.update_project("f" * 24, None, "en-US")


def test_what_was_stored_before_locales_reads_as_no_locale():
    at = datetime.now(UTC)
    batch = batch_of({"_id": ObjectId(), "organizationId": ORG, "projectId": PROJECT, "createdAt": at})
    record = record_of(
        {"_id": ObjectId(), "batchId": "b", "organizationId": ORG, "projectId": PROJECT, "createdAt": at}
    )
    project = project_of({"_id": ObjectId(), "organizationId": ORG, "name": "Old", "createdAt": at})
    assert (batch.locale, record.locale, project.locale) == ("", LocaleChoice(), "")
    assert (job_for(record).locale, job_for(record).locale_source) == ("", "")
