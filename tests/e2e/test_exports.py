"""Exports over REST: every format, on the Open API and organization routes, and one record's result."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET

import docx
import openpyxl
import pypdfium2 as pdfium
import pytest

from tests.support.documents import Invoice, text_pdf_bytes

UNICODE = "Grüße café — 東京都 請求書 — שלום עולם"
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "text": "text/plain",
    "xml": "application/xml",
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "searchable-pdf": "application/pdf",
}
EXTENSIONS = {"text": "txt", "searchable-pdf": "pdf"}


def text_of(fmt: str, data: bytes) -> str:
    """What a user's tool reads out of the downloaded file."""
    if fmt in ("pdf", "searchable-pdf"):
        pdf = pdfium.PdfDocument(data)
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    if fmt == "xml":
        return "\n".join(ET.fromstring(data).itertext())
    if fmt == "json":
        return json.dumps(json.loads(data), ensure_ascii=False)
    if fmt == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(data.decode())))
    return data.decode()


@pytest.fixture(scope="session")
def text_batch(local_stack):
    """Two files that need no OCR: a text-layer invoice PDF and a UTF-8 note in three scripts."""
    invoice = Invoice("INV-2026-0777", "777.00")
    files = [
        ("files", ("invoice.pdf", text_pdf_bytes([invoice.lines()]), "application/pdf")),
        ("files", ("note.txt", f"Invoice No: INV-2026-0778\n{UNICODE}\n".encode(), "text/plain")),
    ]
    with local_stack.client() as client:
        created = client.post("/v1/openapi/batch/upload", files=files, data={"name": "Exports ünïcode"}).json()
        for _ in range(200):
            if client.get(f"/v1/openapi/batch/{created['id']}").json()["status"] == "completed":
                return created
            time.sleep(0.2)
    raise AssertionError("the text batch did not complete")


@pytest.mark.parametrize("fmt", list(CONTENT_TYPES))
def test_batch_exports_in_every_format_with_unicode_intact(local_stack, text_batch, fmt):
    with local_stack.client() as client:
        reply = client.get(f"/v1/openapi/batch/{text_batch['id']}/export", params={"format": fmt})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].split(";")[0] == CONTENT_TYPES[fmt]
    ext = EXTENSIONS.get(fmt, fmt)
    assert reply.headers["content-disposition"] == f'attachment; filename="batch-{text_batch["id"]}-export.{ext}"'
    text = text_of(fmt, reply.content)
    assert "INV-2026-0777" in text and "INV-2026-0778" in text
    # PDF extractors choose the word order of a mixed-direction line themselves; every word must survive.
    parts = UNICODE.split() if fmt in ("pdf", "searchable-pdf") else UNICODE.split(" — ")
    for part in parts:
        assert part in text, f"{part!r} lost in {fmt}"


def test_organization_route_exports_and_refuses_another_organization(local_stack, text_batch):
    with local_stack.client() as client:
        path = f"/batch/{local_stack.organization_id}/{text_batch['id']}/export"
        reply = client.get(path, params={"format": "csv"})
        assert reply.status_code == 200 and "INV-2026-0777" in reply.text
        other = client.get(f"/batch/6b0490ffe259e5118c08ce76/{text_batch['id']}/export", params={"format": "csv"})
        assert other.status_code == 401 and other.json()["statusCode"] == 401
        detail = client.get(f"/batch/{local_stack.organization_id}/{text_batch['id']}")
        assert detail.status_code == 200 and detail.json()["status"] == "completed"
        listed = client.get(f"/batch/{local_stack.organization_id}").json()
        assert text_batch["id"] in [b["id"] for b in listed["data"]]


@pytest.mark.parametrize("fmt", ["", "json", "text", "xml", "html", "csv", "pdf", "docx"])
def test_one_records_result_downloads_in_each_format(local_stack, text_batch, fmt):
    record_id = text_batch["processingHistoryIds"][1]
    with local_stack.client() as client:
        reply = client.get(f"/v1/openapi/processing-history/{record_id}/result", params={"format": fmt} if fmt else {})
    assert reply.status_code == 200, reply.text
    fmt = fmt or "json"  # no format: the template's resultFormat, else json
    assert reply.headers["content-type"].split(";")[0] == CONTENT_TYPES[fmt]
    assert "INV-2026-0778" in text_of(fmt, reply.content)


def test_export_errors_use_the_error_format(local_stack, text_batch):
    with local_stack.client() as client:
        bad = client.get(f"/v1/openapi/batch/{text_batch['id']}/export", params={"format": "rtf"})
        assert bad.status_code == 400 and "format must be one of" in bad.json()["message"]
        missing = client.get("/v1/openapi/processing-history/6b0490ffe259e5118c08ce76/result")
        assert missing.status_code == 404
