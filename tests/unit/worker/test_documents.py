"""Reading files into pages: type sniffing, text layers, limits and readable errors for bad files."""

import io

import pytest
from PIL import Image

from services.worker.documents import DocumentError, Limits, load_pages, sniff
from tests.support.documents import (
    Invoice,
    corrupt_pdf_bytes,
    image_pdf_bytes,
    invoice_image,
    jpeg_bytes,
    png_bytes,
    text_pdf_bytes,
    tiff_bytes,
)

INVOICE = Invoice("INV-7", "10.00")


def test_types_are_sniffed_from_bytes_not_names():
    img = Image.new("RGB", (20, 20), "white")
    assert sniff(png_bytes(img)) == "png"
    assert sniff(jpeg_bytes(img)) == "jpeg"
    assert sniff(tiff_bytes([img])) == "tiff"
    assert sniff(text_pdf_bytes([["x"]])) == "pdf"
    assert sniff("Grüße, plain text\n".encode()) == "text"
    assert sniff(b"\x00\x01\x02binary") == "unknown"


def test_pdf_text_layer_is_used_without_ocr_and_keeps_line_boxes():
    pages = list(load_pages(text_pdf_bytes([INVOICE.lines()]), Limits()))
    assert [p.source for p in pages] == ["text_layer"]
    assert pages[0].image is None
    texts = [line.text for line in pages[0].lines]
    assert "Invoice No: INV-7" in texts
    (x0, y0), _, (x1, y1), _ = pages[0].lines[0].box
    assert 0 < x0 < x1 < 595 and 0 < y0 < y1 < 842  # inside an A4 page, top-left origin


def test_scanned_pdf_pages_are_rendered_for_ocr():
    pages = list(load_pages(image_pdf_bytes([invoice_image(INVOICE)]), Limits(pdf_render_dpi=100)))
    assert pages[0].source == "ocr"
    assert pages[0].image is not None and pages[0].image.shape[2] == 3


def test_every_tiff_page_is_read():
    img = invoice_image(INVOICE, width=200, height=100)
    pages = list(load_pages(tiff_bytes([img, img, img]), Limits()))
    assert [p.number for p in pages] == [1, 2, 3]


def test_plain_text_is_read_as_lines():
    (page,) = load_pages(b"Invoice No: A-1\r\n\r\nTotal: 5.00\n", Limits())
    assert page.source == "text"
    assert [line.text for line in page.lines] == ["Invoice No: A-1", "Total: 5.00"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02\x03 not a document", "unsupported file type"),
        (corrupt_pdf_bytes(), "the PDF cannot be opened"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot be read"),
    ],
)
def test_bad_files_fail_with_a_readable_error(data, message):
    with pytest.raises(DocumentError, match=message):
        list(load_pages(data, Limits()))


def test_a_pdf_with_more_pages_than_the_limit_is_refused():
    with pytest.raises(DocumentError, match="has 3 pages, more than the limit of 2"):
        list(load_pages(text_pdf_bytes([["a"], ["b"], ["c"]]), Limits(max_pages=2)))


def test_an_image_over_the_pixel_limit_is_refused_before_decoding():
    buf = io.BytesIO()
    Image.new("L", (4000, 3000)).save(buf, format="PNG")
    with pytest.raises(DocumentError, match="4000×3000 pixels, more than the limit"):
        list(load_pages(buf.getvalue(), Limits(max_pixels=10_000_000)))


def test_only_the_pages_asked_for_are_read_and_keep_their_numbers():
    pdf = text_pdf_bytes([[f"This is page {n} of the document"] for n in ("one", "two", "three", "four")])
    read = list(load_pages(pdf, Limits(max_pages=2), [2, 4]))  # two pages asked for: within a limit of 2
    assert [(p.number, [line.text for line in p.lines]) for p in read] == [
        (2, ["This is page two of the document"]),
        (4, ["This is page four of the document"]),
    ]
    tiff = tiff_bytes([invoice_image(Invoice(str(n), "1")) for n in range(3)])
    assert [p.number for p in load_pages(tiff, Limits(), [3])] == [3]


def test_pages_past_the_end_or_over_the_limit_are_refused_with_the_count():
    pdf = text_pdf_bytes([["a"], ["b"], ["c"]])
    with pytest.raises(DocumentError, match="pages: page 5 is past the end: the PDF has 3 pages"):
        list(load_pages(pdf, Limits(), [1, 5]))
    with pytest.raises(DocumentError, match="2 of its pages are asked for, more than the limit of 1"):
        list(load_pages(pdf, Limits(max_pages=1), [1, 2]))
