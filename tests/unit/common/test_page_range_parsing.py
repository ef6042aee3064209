"""Page ranges as a user writes them ("1-3,5"): read, written back short, and refused with a reason."""

from __future__ import annotations

import pytest

from services.common.page_ranges import PageRangeError, canonical, page_count, parse_pages, past_the_end
from tests.support.documents import Invoice, invoice_image, text_pdf_bytes, tiff_bytes


def test_a_range_names_its_pages_once_in_order_and_is_written_back_short():
    assert parse_pages(" 5, 1-3 ,2") == [1, 2, 3, 5]
    assert canonical(parse_pages("7,1-3,5,6")) == "1-3,5-7"
    assert parse_pages("") == [] and canonical([]) == ""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1-x", "'1-x' is not a page or a range such as 1-3 (expected e.g. 1-3,5)"),
        ("1,,2", "'' is not a page or a range"),
        ("0-2", "'0-2': pages are counted from 1"),
        ("5-3", "'5-3' ends before it starts"),
        (",".join("1" for _ in range(101)), "at most 100 ranges"),
    ],
)
def test_a_malformed_range_says_what_is_wrong(text, why):
    with pytest.raises(PageRangeError) as raised:
        parse_pages(text)
    assert why in str(raised.value)


def test_pages_are_counted_in_pdfs_and_multi_page_images_and_a_range_past_the_end_says_how_many_there_are():
    three = text_pdf_bytes([["one"], ["two"], ["three"]])
    assert page_count(three) == 3
    assert page_count(tiff_bytes([invoice_image(Invoice("A", "1"))] * 2)) == 2
    assert page_count(b"plain text") is None
    assert past_the_end([1, 3], 3) is None
    assert past_the_end([2, 4], 3) == "page 4 is past the end: the document has 3 pages"
    assert past_the_end([2], 1) == "page 2 is past the end: the document has 1 page"
