"""The export service streams for real: thousands of records in every format with flat memory, first bytes early."""

from __future__ import annotations

import asyncio
import io
import json
import zlib
from collections.abc import Iterator

import openpyxl
import pypdfium2 as pdfium
import pytest

from ocrbatch.v1 import common_pb2
from services.export.formats import FORMATS
from tests.support.export_probe import run_export
from tests.support.processes import start_batch_service, start_export_service, start_nats
from tests.support.seed import scanned_page, seed_completed_batch

RECORDS = 2000
ORG, PROJECT = "org-x", "proj-x"


@pytest.fixture(scope="module")
def exporting(tmp_path_factory: pytest.TempPathFactory, secantus_uri: str) -> Iterator[tuple]:
    tmp = tmp_path_factory.mktemp("export")
    nats, nats_url = start_nats(tmp / "nats", tmp)
    batch, batch_target = start_batch_service(tmp, nats_url, secantus_uri, OCRBATCH_MONGODB_DB="export_stream")
    export, export_target = start_export_service(tmp, batch_target, OCRBATCH_EXPORT_CHUNK_BYTES="16384")
    batch_id = asyncio.run(seed_completed_batch(secantus_uri, "export_stream", ORG, PROJECT, RECORDS))
    try:
        yield export_target, export.process.pid, batch_id
    finally:
        for proc in (export, batch, nats):
            proc.stop()


STREAMED_PART = {"docx": b"word/document.xml", "xlsx": b"xl/worksheets/sheet1.xml"}


def records_in(fmt: str, chunk: bytes) -> int:
    """How many records a piece of an export holds, read as far as it goes."""
    if fmt in ("pdf", "searchable-pdf"):
        return chunk.count(b"/Type /Page ")
    if fmt in STREAMED_PART:  # the streamed ZIP part: skip its local header, inflate what has arrived
        name = STREAMED_PART[fmt]
        start = chunk.index(name) + len(name)
        chunk = zlib.decompressobj(-15).decompress(chunk[start:])
    marker = b'"fileName"' if fmt == "json" else b"invoice-"
    return chunk.count(marker)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_thousands_of_records_export_with_flat_memory_and_early_first_bytes(exporting, fmt):
    target, pid, batch_id = exporting
    run = run_export(target, pid, common_pb2.Scope(organization_id=ORG, project_id=PROJECT), batch_id, fmt)
    assert run.file_name == f"batch-{batch_id}-export.{FORMATS[fmt].extension}"
    assert run.growth_mb < 100, f"{fmt}: export service grew {run.growth_mb:.1f} MB"
    # The first message sent holds only the first records: output left before the last record was rendered
    # (and so before it was read: the renderer reads one record at a time).
    assert 0 < records_in(fmt, run.first_chunk) < RECORDS // 2, f"{fmt}: {records_in(fmt, run.first_chunk)}"
    last = f"INV-{RECORDS - 1:05d}"
    if fmt == "json":
        assert len(json.loads(run.data)["records"]) == RECORDS
    elif fmt == "pdf":
        pdf = pdfium.PdfDocument(run.data)
        assert len(pdf) == RECORDS + 1  # title page, then a page per record
        assert last in pdf[len(pdf) - 1].get_textpage().get_text_range()
    elif fmt == "searchable-pdf":  # every record's scan, its JPEG as uploaded, its words searchable
        pdf = pdfium.PdfDocument(run.data)
        assert len(pdf) == RECORDS and len(list(pdf.get_toc())) == RECORDS
        assert "INV-SCAN-1" in pdf[len(pdf) - 1].get_textpage().get_text_range()
        assert scanned_page("INV-SCAN-1")[0] in run.data
    elif fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(run.data), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == RECORDS + 1 and last in rows[-1]
    elif fmt == "docx":
        from docx import Document

        assert f"invoiceNumber: {last}" in [p.text for p in Document(io.BytesIO(run.data)).paragraphs]
    else:
        assert last in run.data.decode()
