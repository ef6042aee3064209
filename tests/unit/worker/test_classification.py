"""Splitting a file into documents: a page continues the one before when its page number says so or it repeats
the first page's identifier; anything else starts a document; a page of no candidate's type is `unknown`; a part
knows its pages, its template, its scores and its fields."""

from __future__ import annotations

from ocrbatch.v1 import common_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.classification import UNKNOWN, Candidate, classify, page_of, part_proto
from services.worker.documents import Limits
from services.worker.pipeline import read_document
from tests.support.documents import text_pdf_bytes

CANDIDATES = [Candidate("receipt", BUILTIN_TEMPLATES["receipt"]), Candidate("invoice", BUILTIN_TEMPLATES["invoice"])]


def pages_of(pages: list[list[str]]) -> list[common_pb2.Page]:
    class NoOcr:
        name = "none"

        def recognize(self, image):  # type: ignore[no-untyped-def]
            raise AssertionError("text pages only")

    return read_document(text_pdf_bytes(pages), NoOcr(), Limits()).pages  # type: ignore[arg-type]


def invoice_pages(number: str, count: int, numbered: bool) -> list[list[str]]:
    out = []
    for k in range(count):
        lines = ["INVOICE", f"Invoice No: {number}", "Date: 12/03/2025", "Bill to: Client Company"] if k == 0 else []
        lines += [f"Invoice No: {number}"] if k and not numbered else []
        lines += [f"{i}  Consulting day {i}   1   {100 + i}.00" for i in range(1, 12)]
        lines += ["Subtotal 1200.00", "VAT 240.00", "Total 1440.00"] if k == count - 1 else []
        lines += [f"Page {k + 1} of {count}"] if numbered else []
        out.append(lines)
    return out


RECEIPT = ["CORNER BAKERY", "12 High Street", "Date 05/03/2025 10:14", "Bread 2.50", "Coffee 3.20", "TOTAL 5.70",
           "CASH 10.00", "CHANGE 4.30", "Thank you"]  # fmt: skip
PROSE = ["Minutes of the reading group", "The members met to choose the books of the spring programme."] * 4


def test_page_numbers_are_read_in_several_languages():
    filler = ["The quarterly report of the reading group, with its minutes and its accounts."] * 3
    page = pages_of([[*filler, m] for m in ("Seite 2 von 3", "Page 1 of 2", "2/4", "Room 12 of 30 was free")])
    assert [page_of(p) for p in page] == [(2, 3), (1, 2), (2, 4), None]


def test_numbered_pages_and_a_repeated_invoice_number_join_and_everything_else_starts_a_document():
    pages = pages_of(
        invoice_pages("A-100", 2, numbered=True) + [RECEIPT] + invoice_pages("B-200", 3, numbered=False) + [PROSE]
    )
    parts = classify(pages, CANDIDATES)
    assert [(p.type, p.start_page, p.end_page) for p in parts] == [
        ("invoice", 1, 2),
        ("receipt", 3, 3),
        ("invoice", 4, 6),
        (UNKNOWN, 7, 7),
    ]
    assert parts[0].extracted is not None and parts[0].extracted.values["invoiceNumber"] == "A-100"
    assert parts[0].extracted.values["totalAmount"] == 1440.0
    assert parts[1].extracted is not None and parts[1].extracted.values["total"] == 5.7
    assert parts[3].template is None and parts[3].extracted is None


def test_a_part_as_the_worker_reports_it():
    parts = classify(pages_of([RECEIPT]), CANDIDATES)
    proto = part_proto(parts[0])
    assert (proto.type, proto.template_id, proto.template_name) == ("receipt", "receipt", "Receipt")
    assert (proto.start_page, proto.end_page) == (1, 1)
    assert 0.5 < proto.confidence <= 1
    assert set(proto.scores.fields) == {"receipt", "invoice"}
    assert list(proto.field_names)[:3] == ["merchant", "issuerLegalName", "date"]
    assert proto.processing_result.fields["total"].number_value == 5.7
