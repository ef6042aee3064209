"""Corrections as the batch service applies them (in-memory stores): values read by type, what the record
keeps and logs, the examples it learns and under which issuer, and a new reading that keeps them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.protobuf.struct_pb2 import Struct

from ocrbatch.v1 import common_pb2, jobs_pb2
from services.batch.domain.corrections import FieldCorrection, anchor_of, with_corrections
from services.batch.domain.rules import RecordStatus
from services.batch.errors import InvalidArgument
from services.batch.service import history
from services.batch.service.corrections import JobsWithExamples, LearnedExamples, RecordReview
from services.common.field_values import FieldValueError, typed_value
from services.common.issuers import issuer_agreement, same_issuer, same_layout
from tests.support.fakes import FakeCorrections
from tests.unit.batch.test_batch_use_cases import SCOPE, World, result

ISSUER = ["id:001234567890", "tel:87361234", "head:NO 12 JALAN MAWAR", "head:43000 KAJANG"]


@pytest.mark.parametrize(
    ("kind", "given", "value"),
    [
        ("money", "12,50", 12.5),
        ("money", 12.5, 12.5),
        ("money", "1.129,00", 1129.0),
        ("money", "1 129,00", 1129.0),
        ("money", "1,129.00", 1129.0),
        ("money", "1.234.567,89", 1234567.89),
        ("money", "12.3456", 12.3456),
        ("money", "5,00-", -5.0),
        ("number", "7", 7),
        ("date", "2024-05-18", "2024-05-18"),
        ("currency", "eur", "EUR"),
        ("identifier", 1234, "1234"),
        ("string", "  Acme   Corp ", "Acme Corp"),
        ("money", None, None),
    ],
)
def test_a_value_is_read_by_its_field_type(kind, given, value):
    assert typed_value(kind, given) == value


@pytest.mark.parametrize(
    ("kind", "given", "why"),
    [
        ("money", "twelve", "expected a number"),
        ("money", True, "expected a number, got a boolean"),
        ("number", "1,129", "ambiguous"),
        ("date", "18/05/2024", "YYYY-MM-DD"),
        ("date", "2024-02-30", "YYYY-MM-DD"),
        ("currency", "EURO", "ISO 4217"),
        ("money", "1.2.3", "must come in threes"),
        ("money", "12,345,67", "must come in threes"),
        ("money", "12 5", "expected a number"),
        ("money", 10**20, "too large"),
        ("identifier", 12345678901234567890, "send it as a string"),
        ("string", "a\x00b", "control characters"),
    ],
)
def test_a_value_its_type_cannot_take_says_why(kind, given, why):
    with pytest.raises(FieldValueError, match=why):
        typed_value(kind, given)


def test_a_second_correction_keeps_what_the_extraction_found():
    at = datetime(2026, 12, 1, tzinfo=UTC)
    result_, details = {"total": 10.0}, {"total": {"value": 10.0, "confidence": 0.42, "rule": "label"}}
    once = with_corrections(result_, details, {"total": FieldCorrection(12.0, "user:a", at)})
    twice = with_corrections(*once, {"total": FieldCorrection(13.0, "user:b", at)})
    assert twice[0] == {"total": 13.0}
    detail = twice[1]["total"]
    assert (detail["extracted"], detail["extractedConfidence"], detail["correctedBy"]) == (10.0, 0.42, "user:b")


def _page(*lines: tuple[str, float]) -> common_pb2.Page:
    page = common_pb2.Page(number=1, width=1000, height=2000, source="ocr")
    for text, top in lines:
        box = [common_pb2.Point(x=x, y=y) for x, y in ((100, top), (600, top), (600, top + 30), (100, top + 30))]
        page.lines.append(common_pb2.Line(text=text, confidence=0.9, box=box))
    return page


def test_a_corrected_value_is_found_where_the_page_prints_it_and_not_inside_another_number():
    page = _page(("SUBTOTAL 112.50", 1000.0), ("TOTAL RM 12.50", 1200.0))
    anchor = anchor_of("money", 12.5, None, [page])
    assert anchor is not None and anchor.y == pytest.approx(1215 / 2000) and anchor.format == "AAAAA AA 99.99"
    assert anchor_of("money", 99.0, None, [page]) is None
    alternatives = {
        "alternatives": [
            {
                "value": 12.5,
                "how": "right",
                "label": "Total",
                "text": "12.50",
                "page": 1,
                "box": [[500, 1200], [600, 1200], [600, 1230], [500, 1230]],
            }
        ]
    }
    chosen = anchor_of("money", 12.5, alternatives, [page])
    assert chosen is not None and (chosen.label, chosen.how, chosen.format) == ("Total", "right", "99.99")


def test_fingerprints_show_one_issuer_despite_ocr_noise_but_not_by_a_shared_customer_alone():
    noisy = ["id:001234567895", "tel:87361234", "head:NO 12 JALAN MAWAR", "head:43000 KAJANG"]
    assert same_issuer(ISSUER, noisy)
    # two vendors' invoices to one customer: the customer's id is in common, each vendor's own is not
    vendor_a = ["id:111111111111", "id:999999999999", "head:ALPHA SUPPLIES", "head:1 HIGH STREET"]
    vendor_b = ["id:222222222222", "id:999999999999", "head:BETA TRADING", "head:9 LOW ROAD"]
    assert not same_issuer(vendor_a, vendor_b) and issuer_agreement(vendor_a, vendor_b) == 0.0
    layout = ["lay:DATE", "lay:INVOICE NO", "lay:DESCRIPTION", "lay:AMOUNT"]
    assert same_layout(layout + ["head:ALPHA"], layout + ["head:BETA"]) and not same_issuer(layout, layout)


def _receipt_world(world: World) -> RecordReview:
    return RecordReview(world.batches, world.corrections, world.learned)


async def receipt_record(world: World) -> str:
    upload = world.upload()
    await upload.start(SCOPE, "", "receipt", {}, "", 1)
    await upload.begin_file("r.png", "image/png")
    await upload.write(b"a")
    return (await upload.finish()).record_ids[0]


async def completed_record(world: World, keys: list[str]) -> str:
    rid = await receipt_record(world)
    values = Struct()
    values.update({"merchant": "TABLE 12", "total": 10.0, "date": "2019-03-12"})
    details = Struct()
    details.update({"merchant": {"value": "TABLE 12", "confidence": 0.3}, "total": {"value": 10.0, "confidence": 0.9}})
    page = _page(("TABLE 12", 100.0), ("TOTAL 12.50", 1200.0))
    await world.applier.apply(
        result(
            rid,
            jobs_pb2.RESULT_KIND_COMPLETED,
            processing_result=values,
            field_details=details,
            needs_review=True,
            pages=[page],
            issuer_keys=keys,
        )
    )
    return rid


@pytest.fixture
def world() -> World:
    w = World()
    w.corrections = FakeCorrections()
    w.learned = LearnedExamples(w.corrections)
    return w


async def test_a_correction_is_kept_logged_and_teaches_an_example_under_its_issuer(world):
    review = _receipt_world(world)
    rid = await completed_record(world, ISSUER)
    record = await review.correct(SCOPE, rid, {"merchant": "Kedai Mawar", "total": "12,50"}, True, "user:u1")
    assert record.processing_result["merchant"] == "Kedai Mawar" and record.processing_result["total"] == 12.5
    assert not record.needs_review and record.reviewed_by == "user:u1"
    assert [(c.kind, c.field) for c in world.corrections.logged] == [
        ("correction", "merchant"),
        ("correction", "total"),
        ("approval", ""),
    ]
    taught = {e.field: e for e in world.corrections.kept}
    assert not taught["merchant"].printed  # the page prints no such name: the issuer's value
    assert taught["total"].printed and taught["total"].format == "AAAAA 99.99"
    assert record.field_details["total"]["box"] is not None  # where the page prints it

    other = await completed_record(world, ["id:001234567895", *ISSUER[1:]])  # the same shop, read with noise
    await review.correct(SCOPE, other, {"merchant": "Kedai Mawar"}, False, "user:u1")
    issuers = {e.issuer_id for e in world.corrections.kept}
    assert len(issuers) == 1  # one issuer: its examples are kept together, the latest few

    jobs = JobsWithExamples(world.jobs, world.learned)
    await jobs.publish_job(
        jobs_pb2.OcrJob(record_id="r", organization_id=SCOPE.organization_id, project_id=SCOPE.project_id)
    )
    assert {e.field for e in world.jobs.jobs[-1].examples} == {"merchant", "total"}
    await jobs.publish_job(jobs_pb2.OcrJob(record_id="s", organization_id=SCOPE.organization_id, project_id="q" * 24))
    assert not world.jobs.jobs[-1].examples  # another project's jobs carry none


async def test_a_new_reading_keeps_the_corrections_unless_the_retry_discards_them(world):
    review = _receipt_world(world)
    rid = await completed_record(world, ISSUER)
    await review.correct(SCOPE, rid, {"total": 12.5}, False, "user:u1")

    retried = await history.retry(world.batches, world.jobs, world.applier, SCOPE, rid, corrections=world.corrections)
    assert retried.status == RecordStatus.QUEUED
    values = Struct()
    values.update({"merchant": "TABLE 12", "total": 11.0})
    await world.applier.apply(result(rid, jobs_pb2.RESULT_KIND_COMPLETED, generation=2, processing_result=values))
    kept = world.batches.records[rid]
    assert kept.processing_result["total"] == 12.5 and kept.field_details["total"]["extracted"] == 11.0

    await history.retry(
        world.batches, world.jobs, world.applier, SCOPE, rid, discard_corrections=True, corrections=world.corrections
    )
    await world.applier.apply(result(rid, jobs_pb2.RESULT_KIND_COMPLETED, generation=3, processing_result=values))
    assert world.batches.records[rid].processing_result["total"] == 11.0
    assert world.corrections.logged[-1].kind == "discarded"


async def test_only_a_completed_record_can_be_corrected(world):
    rid = await receipt_record(world)
    with pytest.raises(InvalidArgument, match="only completed records can be corrected; this one is queued"):
        await _receipt_world(world).correct(SCOPE, rid, {}, True, "user:u1")


async def test_a_correction_made_on_a_record_that_changed_meanwhile_is_refused_not_lost(world):
    review = _receipt_world(world)
    rid = await completed_record(world, ISSUER)
    stale = await world.batches.get_record(SCOPE, rid)
    await review.correct(SCOPE, rid, {"total": 12.5}, False, "user:a")
    stale.processing_result = {**(stale.processing_result or {}), "date": "2019-03-13"}
    assert not await world.batches.save_review(stale, datetime.now(UTC))  # made on the record as it was
    assert world.batches.records[rid].processing_result["total"] == 12.5


async def test_what_a_field_taught_goes_when_its_value_is_cleared_or_the_corrections_are_discarded(world):
    review = _receipt_world(world)
    rid = await completed_record(world, ISSUER)
    await review.correct(SCOPE, rid, {"merchant": "Kedai Mawar", "total": 12.5}, False, "user:a")
    assert {e.field for e in world.corrections.kept} == {"merchant", "total"}
    record = await review.correct(SCOPE, rid, {"total": None}, False, "user:a")
    assert {e.field for e in world.corrections.kept} == {"merchant"}
    assert record.needs_review  # a required field is missing again
    await history.retry(
        world.batches,
        world.jobs,
        world.applier,
        SCOPE,
        rid,
        discard_corrections=True,
        corrections=world.corrections,
        actor="apiKey:k",
    )
    assert world.corrections.kept == []
    assert {(c.kind, c.by) for c in world.corrections.logged if c.kind == "discarded"} == {("discarded", "apiKey:k")}
