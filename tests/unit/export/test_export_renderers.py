"""Every export format, parsed back the way a user's tools read it; Unicode survives each one."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser

import docx
import openpyxl
import pypdfium2 as pdfium
import pytest
from google.protobuf import struct_pb2

from ocrbatch.v1 import common_pb2
from services.common.flatten import flatten, ordered_columns, safe_cell
from services.export.document import ExportDoc
from services.export.formats import FORMATS
from services.export.source import RecordStream

UNICODE_SAMPLES = ["Grüße café", "東京都 請求書", "שלום עולם", "مرحبا"]


async def _rest(records):
    for r in records:
        yield r


def stream_of(records) -> RecordStream:
    """The records as the export service reads them from the batch service's StreamRecords, once."""
    return RecordStream(records[0], _rest(records[1:]))


def record(rid, name, fields, text):
    result = struct_pb2.Struct()
    result.update(fields)
    return common_pb2.Record(
        id=rid, file_name=name, status=common_pb2.RECORD_STATUS_COMPLETED, processing_result=result, text=text
    )


RECORDS = [
    record(
        "r1",
        "invoice-1.png",
        {"invoiceNumber": "INV-0001", "vendor": {"name": "=cmd|' /C calc'!A0"}, "totalAmount": 1250.5},
        "Invoice No: INV-0001\nTotal 1,250.50 <b>&amp;</b>\n" + "\n".join(UNICODE_SAMPLES),
    ),
    record(
        "r2",
        "facture-2.pdf",
        {"invoiceNumber": "INV-0002", "lineItems": [{"description": "Conseil", "quantity": 2}]},
        "Facture INV-0002 — déjà payée",
    ),
]
FIELDS = ordered_columns(
    k
    for r in (
        {
            "invoiceNumber": 1,
            "vendor.name": 1,
            "totalAmount": 1,
            "lineItems.0.description": 1,
            "lineItems.0.quantity": 1,
        },
    )
    for k in r
)


def make_doc(records=RECORDS, batch=True) -> ExportDoc:
    b = common_pb2.Batch(id="b1", name="März 2026 Rechnungen", total_files=3, completed_files=2, failed_files=1)
    return ExportDoc(
        title=b.name if batch else records[0].file_name,
        batch=b if batch else None,
        fields=FIELDS,
        records=stream_of(records),
    )


async def export(fmt: str, doc: ExportDoc | None = None) -> bytes:
    return b"".join([part async for part in FORMATS[fmt].render(doc or make_doc())])


def test_flatten_gives_dotted_names_for_nested_values():
    assert flatten({"a": {"b": 1}, "items": [{"x": 2}, {"x": 3}], "e": []}) == {
        "a.b": 1,
        "items.0.x": 2,
        "items.1.x": 3,
        "e": "",
    }
    assert ordered_columns(["items.10.x", "items.2.x", "a"]) == ["a", "items.2.x", "items.10.x"]


def test_cells_that_would_run_as_formulas_are_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell(-2.5) == "-2.5"  # a real number stays a number
    assert safe_cell("INV-1") == "INV-1"


async def test_json_is_one_document_with_every_record():
    doc = json.loads(await export("json"))
    assert doc["batch"]["name"] == "März 2026 Rechnungen"
    assert [r["processingResult"]["invoiceNumber"] for r in doc["records"]] == ["INV-0001", "INV-0002"]
    assert all(sample in doc["records"][0]["text"] for sample in UNICODE_SAMPLES)


async def test_csv_has_a_column_per_field_and_injection_safe_cells():
    rows = list(csv.reader(io.StringIO((await export("csv")).decode())))
    assert rows[0] == ["recordId", "fileName", "status", "templateName", *FIELDS, "text"]
    by_name = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert by_name[0]["invoiceNumber"] == "INV-0001" and by_name[0]["vendor.name"].startswith("'=")
    assert by_name[0]["totalAmount"] == "1250.5"
    assert by_name[1]["lineItems.0.description"] == "Conseil" and by_name[1]["lineItems.0.quantity"] == "2"
    assert all(sample in by_name[0]["text"] for sample in UNICODE_SAMPLES)


async def test_text_lists_each_file_its_fields_and_text():
    text = (await export("text")).decode()
    assert "=== invoice-1.png (completed) ===" in text and "invoiceNumber: INV-0002" in text
    assert all(sample in text for sample in UNICODE_SAMPLES)


async def test_xml_parses_and_keeps_markup_as_text():
    root = ET.fromstring(await export("xml"))
    records = root.findall("record")
    assert [r.findtext("fileName") for r in records] == ["invoice-1.png", "facture-2.pdf"]
    fields = {f.get("name"): f.text for f in records[0].find("fields")}
    assert fields["invoiceNumber"] == "INV-0001"
    assert "<b>&amp;</b>" in records[0].findtext("text")
    assert all(sample in records[0].findtext("text") for sample in UNICODE_SAMPLES)


async def test_html_is_escaped_and_holds_each_files_fields():
    page = (await export("html")).decode()

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.text, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    parser = Collect()
    parser.feed(page)
    text = "".join(parser.text)
    assert "INV-0001" in text and "INV-0002" in text and "Conseil" in text
    assert "<b>&amp;</b>" in text and "b" not in parser.tags  # shown, never interpreted
    assert all(sample in text for sample in UNICODE_SAMPLES)


async def test_pdf_is_a_readable_document_with_a_title_page_and_a_section_per_file():
    pdf = pdfium.PdfDocument(await export("pdf"))
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert "März 2026 Rechnungen" in pages[0]
    assert "INV-0001" not in pages[0]  # the title page is the batch's alone
    body = "\n".join(pages[1:])
    assert "invoice-1.png" in body and "invoiceNumber: INV-0001" in body and "INV-0002" in body
    # Word order across a mixed-direction line is the extractor's choice in PDF; every word must survive.
    assert all(word in body for sample in UNICODE_SAMPLES for word in sample.split())
    second_file_page = next(i for i, text in enumerate(pages) if "facture-2.pdf" in text)
    assert "invoice-1.png" not in pages[second_file_page]  # each file starts on its own page


async def test_long_text_flows_over_several_pdf_pages():
    long = record("r9", "long.png", {}, "\n".join(f"line {i} of a long scanned contract" for i in range(200)))
    pdf = pdfium.PdfDocument(await export("pdf", make_doc([long])))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert len(pdf) >= 4 and "line 0 of" in text and "line 199 of" in text


async def test_docx_paragraphs_hold_each_file():
    document = docx.Document(io.BytesIO(await export("docx")))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "März 2026 Rechnungen"
    assert "invoiceNumber: INV-0001" in paragraphs and "invoiceNumber: INV-0002" in paragraphs
    assert all(sample in paragraphs for sample in UNICODE_SAMPLES)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["invoice-1.png", "facture-2.pdf"]


async def test_xlsx_cells_hold_each_file():
    data = await export("xlsx")
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["recordId", "fileName", "status", "templateName", *FIELDS, "text"]
    assert rows[1][4 + FIELDS.index("invoiceNumber")] == "INV-0001"
    assert rows[1][4 + FIELDS.index("totalAmount")] == 1250.5
    assert rows[2][4 + FIELDS.index("invoiceNumber")] == "INV-0002"
    assert all(sample in rows[1][-1] for sample in UNICODE_SAMPLES)


@pytest.mark.parametrize("fmt", ["json", "text", "xml", "html", "csv", "pdf", "docx"])
async def test_a_single_records_result_exports_in_each_format(fmt):
    data = await export(fmt, make_doc([RECORDS[1]], batch=False))
    if fmt == "json":
        assert json.loads(data)["processingResult"]["invoiceNumber"] == "INV-0002"
    elif fmt == "pdf":
        pdf = pdfium.PdfDocument(data)
        assert "INV-0002" in "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    elif fmt == "docx":
        assert "invoiceNumber: INV-0002" in [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    else:
        assert "INV-0002" in data.decode()


async def test_a_searchable_pdf_shows_each_uploads_pages_and_the_text_of_one_no_longer_stored():
    """The searchable PDF of a PNG upload and of a record whose upload is gone (the batch service answers
    NOT_FOUND, which original_files gives as None): the first is its image with its words on it, the second its
    recognised text on a text page, and the export goes on."""
    from PIL import Image

    png = io.BytesIO()
    Image.new("L", (300, 100), 255).save(png, format="PNG", dpi=(100, 100))
    scanned = record("r1", "scan.png", {"invoiceNumber": "INV-0001"}, "Invoice INV-0001")
    page = scanned.pages.add(number=1, width=300, height=100, source="ocr")
    corners = ((20, 30), (200, 30), (200, 60), (20, 60))
    page.lines.add(text="Invoice INV-0001", confidence=0.99, box=[common_pb2.Point(x=x, y=y) for x, y in corners])
    uploads = {"r1": png.getvalue(), "r2": None}

    async def original(record_id: str) -> bytes | None:
        return uploads[record_id]

    doc = make_doc([scanned, RECORDS[1]])
    doc.original = original
    pdf = pdfium.PdfDocument(await export("searchable-pdf", doc))
    assert len(pdf) == 2
    assert [round(v) for v in pdf[0].get_size()] == [216, 72]  # 300 × 100 pixels at 100 dpi
    assert pdf[0].get_textpage().get_text_range().split() == ["Invoice", "INV-0001"]
    gone = pdf[1].get_textpage().get_text_range()
    assert "the uploaded file is no longer stored" in gone and "Facture INV-0002" in gone


async def test_docx_keeps_the_recognised_texts_columns_in_a_fixed_width_font():
    rows = "TP-24       5   1.32      6.60*\nTOTAL TAX              1.02"
    doc = make_doc([record("r1", "receipt.jpg", {}, rows)], batch=False)
    paragraphs = docx.Document(io.BytesIO(await export("docx", doc))).paragraphs
    kept = [p for p in paragraphs if p.style.name == "Recognised text"]
    assert [p.text for p in kept] == rows.split("\n")  # every space kept
    assert kept[0].style.font.name == "Courier New"


async def test_pdf_lines_the_recognised_texts_columns_up():
    from services.export.pdf_writer import FIXED_WIDTH_CANDIDATES, find_font

    if find_font(candidates=FIXED_WIDTH_CANDIDATES) is None:
        pytest.skip("no fixed-width TrueType font here (make test installs fonts-dejavu-core)")
    rows = "Milk         1.00\nWWWWWWW      2.50\nil           3.75"  # the amounts start at one column
    doc = make_doc([record("r1", "receipt.jpg", {}, rows)], batch=False)
    page = pdfium.PdfDocument(await export("pdf", doc))[0].get_textpage()
    text = page.get_text_range()
    starts = [page.get_charbox(text.index(amount), loose=True)[0] for amount in ("1.00", "2.50", "3.75")]
    assert max(starts) - min(starts) < 0.5, starts  # the same x, whatever the widths of the words before
