"""A long scanned document is read one page at a time: the worker's memory for its pages is that of one page, not of
the document (a 300-page scan, rendered page by page as the workers render it)."""

from __future__ import annotations

import tracemalloc

from services.worker.documents import Limits, load_pages
from tests.support.documents import Invoice, image_pdf_bytes, invoice_image

PAGES = 300
# Rendering one page makes a few copies of it at once (pdfium's bitmap as an array, its RGB copy): a handful of
# pages' worth at the peak (measured: 4.5), against the 300 a document held whole would take
COPIES_OF_A_PAGE = 8


def test_a_300_page_scan_is_rendered_one_page_at_a_time_with_flat_memory():
    scan = image_pdf_bytes([invoice_image(Invoice(f"P-{n}", "1.00")) for n in range(PAGES)])
    tracemalloc.start()
    try:
        numbers, page_bytes = [], 0
        for page in load_pages(scan, Limits()):
            numbers.append((page.number, page.of))
            page_bytes = max(page_bytes, page.image.nbytes)
            del page  # the pipeline lets each page's pixels go before the next (services/worker/pipeline.py)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert numbers == [(n, PAGES) for n in range(1, PAGES + 1)]
    assert peak < COPIES_OF_A_PAGE * page_bytes, f"peak {peak / 1e6:.0f} MB for pages of {page_bytes / 1e6:.1f} MB"
