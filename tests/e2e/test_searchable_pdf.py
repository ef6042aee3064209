"""A searchable PDF, as a user downloads it and opens it in a viewer: the scan itself, its JPEG untouched, with the
recognised words as invisible text where they are printed, so that search and selection land on them; a bookmark
per document in a batch's."""

from __future__ import annotations

import time

import httpx
import pypdfium2 as pdfium
import pytest

from tests.support import real_corpora
from tests.support.documents import Invoice, invoice_image, png_bytes
from tests.support.pdf_words import words_on_their_boxes

MIN_WORDS_ON_THEIR_BOXES = 0.98
RECEIPT = 7  # any sroie-dev receipt; measured on the first 20 through bench/searchable_pdf.py (README)


def receipt_jpeg() -> bytes:
    if not real_corpora.available("sroie-dev"):
        pytest.skip(f"sroie-dev not found under {real_corpora.CORPORA_DIR}: set OCRBATCH_CORPORA")
    return real_corpora.load("sroie-dev")[RECEIPT].path.read_bytes()


def upload(client: httpx.Client, files: list[tuple[str, bytes, str]]) -> dict:
    parts = [("files", f) for f in files]
    created = client.post("/v1/openapi/batch/upload", files=parts, data={"templateId": "receipt"})
    assert created.status_code == 201, created.text
    batch = created.json()
    deadline = time.monotonic() + 180
    while client.get(f"/v1/openapi/batch/{batch['id']}").json()["status"] != "completed":
        assert time.monotonic() < deadline, "the batch did not complete"
        time.sleep(0.3)
    return batch


def test_a_scanned_receipt_comes_back_as_its_jpeg_with_its_words_searchable_on_their_boxes(local_stack):
    jpeg = receipt_jpeg()
    with local_stack.client() as client:
        batch = upload(client, [("receipt.jpg", jpeg, "image/jpeg")])
        record_id = batch["processingHistoryIds"][0]
        record = client.get(f"/v1/openapi/processing-history/{record_id}").json()
        reply = client.get(f"/v1/openapi/processing-history/{record_id}/result", params={"format": "searchable-pdf"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    assert jpeg in reply.content  # the scan's own bytes: not decoded, not re-encoded

    pdf = pdfium.PdfDocument(reply.content)
    assert len(pdf) == 1
    read = record["pages"][0]
    lines = [(line["text"], line["box"]) for line in read["lines"]]
    on_their_boxes, words = words_on_their_boxes(pdf[0], lines, (read["width"], read["height"]))
    assert words > 50
    assert on_their_boxes / words >= MIN_WORDS_ON_THEIR_BOXES, f"{on_their_boxes} of {words} words"


def test_a_batch_comes_back_as_one_pdf_with_a_bookmark_per_document(local_stack):
    invoice = png_bytes(invoice_image(Invoice(number="INV-5521", total="88.00")))
    with local_stack.client() as client:
        batch = upload(client, [("receipt.jpg", receipt_jpeg(), "image/jpeg"), ("invoice.png", invoice, "image/png")])
        reply = client.get(f"/v1/openapi/batch/{batch['id']}/export", params={"format": "searchable-pdf"})
    assert reply.status_code == 200, reply.text
    pdf = pdfium.PdfDocument(reply.content)
    assert len(pdf) == 2
    bookmarks = [(mark.get_title(), mark.get_dest().get_index()) for mark in pdf.get_toc()]
    assert bookmarks == [("receipt.jpg", 0), ("invoice.png", 1)]
    assert "INV-5521" in pdf[1].get_textpage().get_text_range()  # the PNG page (kept losslessly) is searchable too
    width, height = pdf[1].get_size()
    assert (round(width), round(height)) == (480, 336)  # 1000 × 700 pixels at 150 dpi: the page is the image


def test_an_uploaded_pdfs_pages_are_kept_as_they_are_a_scanned_one_gaining_its_words(local_stack):
    """A scanned page keeps the image the PDF held (its JPEG bytes as they were) with its words added on their
    boxes; a page with a text layer is kept as it is, its text once."""
    from tests.support.documents import image_pdf_bytes, text_pdf_bytes

    scanned = image_pdf_bytes([invoice_image(Invoice(number="INV-7301", total="42.00"))])
    held = bytes(pikepdf_image(scanned))
    text_layer = text_pdf_bytes([["Delivery note DN-5512 for order 99821"]])
    with local_stack.client() as client:
        batch = upload(client, [("scan.pdf", scanned, "application/pdf"), ("note.pdf", text_layer, "application/pdf")])
        ids = batch["processingHistoryIds"]
        scan_record = client.get(f"/v1/openapi/processing-history/{ids[0]}").json()
        scan_pdf = client.get(f"/v1/openapi/processing-history/{ids[0]}/result", params={"format": "searchable-pdf"})
        note_pdf = client.get(f"/v1/openapi/processing-history/{ids[1]}/result", params={"format": "searchable-pdf"})
    assert scan_pdf.status_code == note_pdf.status_code == 200
    assert held in scan_pdf.content  # the scan as the PDF held it: not rendered, not re-encoded
    pdf = pdfium.PdfDocument(scan_pdf.content)
    read = scan_record["pages"][0]
    lines = [(line["text"], line["box"]) for line in read["lines"]]
    found, words = words_on_their_boxes(pdf[0], lines, (read["width"], read["height"]))
    assert words >= 10 and found / words >= MIN_WORDS_ON_THEIR_BOXES, f"{found} of {words} words"
    assert "INV-7301" in pdf[0].get_textpage().get_text_range()
    note = pdfium.PdfDocument(note_pdf.content)[0].get_textpage().get_text_range()
    assert note.count("DN-5512") == 1  # its own text layer, nothing laid over it


def pikepdf_image(pdf_bytes: bytes) -> bytes:
    """The encoded bytes of the first image a PDF's first page shows."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        return image.read_raw_bytes()
