"""An uploaded PDF's pages in a searchable PDF look exactly as they did: kept, not redrawn, turned and cropped pages
included (each rendered before and after, pixel by pixel)."""

from __future__ import annotations

import io

import numpy as np
import pikepdf
import pypdfium2 as pdfium

from ocrbatch.v1 import common_pb2
from services.export.document import ExportDoc
from services.export.formats import FORMATS
from services.export.source import RecordStream
from tests.support.documents import Invoice, image_pdf_bytes, invoice_image, text_pdf_bytes


def pixels(pdf_bytes: bytes, index: int) -> np.ndarray:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return pdf[index].render(scale=0.5).to_numpy().astype(int)


def turned_and_cropped() -> bytes:
    """Three pages: a text page turned 90°, a scan cropped to its top half, a text page as it is."""
    source = pikepdf.open(io.BytesIO(text_pdf_bytes([["Turned page, read sideways"], ["A page as it is, 12.50"]])))
    scan = pikepdf.open(io.BytesIO(image_pdf_bytes([invoice_image(Invoice("CROP-1", "3.00"))])))
    source.pages.insert(1, scan.pages[0])
    source.pages[0].obj.Rotate = 90
    box = [float(v) for v in source.pages[1].mediabox]
    source.pages[1].obj.CropBox = pikepdf.Array([box[0], (box[1] + box[3]) / 2, box[2], box[3]])
    out = io.BytesIO()
    source.save(out)
    return out.getvalue()


async def test_turned_and_cropped_pages_look_as_they_did():
    upload = turned_and_cropped()
    record = common_pb2.Record(id="r1", file_name="mixed.pdf", status=common_pb2.RECORD_STATUS_COMPLETED)

    async def original(record_id: str) -> bytes:
        return upload

    doc = ExportDoc(title="mixed.pdf", batch=None, fields=[], records=RecordStream(record), original=original)
    out = b"".join([part async for part in FORMATS["searchable-pdf"].render(doc)])
    assert len(pdfium.PdfDocument(out)) == 3
    for index in range(3):
        before, after = pixels(upload, index), pixels(out, index)
        assert before.shape == after.shape, f"page {index + 1}: {before.shape} became {after.shape}"
        assert np.abs(before - after).mean() < 1.0, f"page {index + 1} looks different"


async def test_a_pdf_that_cannot_be_copied_comes_out_as_its_text_and_the_export_goes_on():
    record = common_pb2.Record(id="r1", file_name="odd.pdf", status=common_pb2.RECORD_STATUS_COMPLETED, text="Total 9")

    async def original(record_id: str) -> bytes:
        return b"%PDF-1.7\nnot really a PDF"

    doc = ExportDoc(title="odd.pdf", batch=None, fields=[], records=RecordStream(record), original=original)
    out = b"".join([part async for part in FORMATS["searchable-pdf"].render(doc)])
    text = pdfium.PdfDocument(out)[0].get_textpage().get_text_range()
    assert "the PDF could not be copied" in text and "Total 9" in text
