"""Page ranges ("1-3,5"): which pages of an uploaded document are read. Given at upload (form field `pages`),
checked at the edge against the document's page count, and applied by the worker, which renders no other page."""

from __future__ import annotations

import io
import re

_PART = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
MAX_PARTS = 100  # ranges in one field: "1-3,5,7-9" is three


class PageRangeError(ValueError):
    pass


def parse_pages(text: str) -> list[int]:
    """The page numbers a range names, ascending, each once; [] for an empty field (every page). PageRangeError
    says what is wrong with a malformed one."""
    if not text.strip():
        return []
    parts = text.split(",")
    if len(parts) > MAX_PARTS:
        raise PageRangeError(f"at most {MAX_PARTS} ranges")
    pages: set[int] = set()
    for part in parts:
        match = _PART.match(part)
        if match is None:
            raise PageRangeError(f"{part.strip()!r} is not a page or a range such as 1-3 (expected e.g. 1-3,5)")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first < 1:
            raise PageRangeError(f"{part.strip()!r}: pages are counted from 1")
        if last < first:
            raise PageRangeError(f"{part.strip()!r} ends before it starts")
        pages.update(range(first, last + 1))
    return sorted(pages)


def canonical(pages: list[int]) -> str:
    """The shortest range string of ascending page numbers: [1, 2, 3, 5] → "1-3,5"."""
    parts: list[str] = []
    start = previous = None
    for page in [*pages, None]:
        if page is not None and previous is not None and page == previous + 1:
            previous = page
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = page
    return ",".join(parts)


def page_count(data: bytes) -> int | None:
    """How many pages a PDF or an image file has; None for what has no pages to count (plain text) or cannot be
    opened (the worker says why when it reads it)."""
    if data.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None
        try:
            return len(pdf)
        finally:
            pdf.close()
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(getattr(img, "n_frames", 1))
    except Exception:  # noqa: BLE001 (Pillow raises many kinds): not an image
        return None


def past_the_end(pages: list[int], count: int | None) -> str | None:
    """Why the range does not fit a document of `count` pages, or None when it does (or cannot be told)."""
    if not pages or count is None or pages[-1] <= count:
        return None
    return f"page {pages[-1]} is past the end: the document has {count} page{'s' if count != 1 else ''}"
