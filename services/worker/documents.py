"""Turns a file's bytes into pages: PDF text layers and plain text directly, everything else as images to OCR."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from services.worker.engine.port import OcrLine


class DocumentError(Exception):
    """The file cannot be read (corrupt, unsupported, over a limit); the message is shown to the user."""


@dataclass(frozen=True)
class Limits:
    max_pages: int = 500  # pages read per document (the pages asked for, or every page)
    max_pixels: int = 40_000_000
    pdf_render_dpi: int = 150
    pdf_text_layer_min_chars: int = 16
    orient_pages: bool = True  # decide which way up each scanned page is, and read it upright


@dataclass
class PageInput:
    number: int
    width: int
    height: int
    source: str  # "ocr" (image below needs OCR), "text_layer" or "text"
    image: np.ndarray | None = None
    lines: list[OcrLine] = field(default_factory=list)
    of: int = 1  # how many pages of the document are read (this one among them)


def sniff(data: bytes) -> str:
    """The file's real type from its first bytes, whatever its name or declared type says."""
    head = data[:16]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if _looks_like_text(data):
        return "text"
    return "unknown"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a multi-byte character cut at the sample's end is fine
            return False
    return True


def _chosen(count: int, pages: list[int] | None, limits: Limits, what: str) -> list[int]:
    """The zero-based indexes of the pages to read: those asked for (every page when none), within the limit."""
    if pages and pages[-1] > count:
        raise DocumentError(f"pages: page {pages[-1]} is past the end: {what} has {count} page{'s' * (count != 1)}")
    chosen = [p - 1 for p in pages] if pages else list(range(count))
    if len(chosen) > limits.max_pages:
        asked = f"{len(chosen)} of its pages are asked for" if pages else f"{what} has {count} pages"
        raise DocumentError(
            f"{asked}, more than the limit of {limits.max_pages} (the upload's `pages` field reads part of a document)"
        )
    return chosen


def load_pages(data: bytes, limits: Limits, pages: list[int] | None = None) -> Iterator[PageInput]:
    """The file's pages, one at a time (a page's pixels are let go before the next is made); `pages`: only those
    page numbers, ascending (none other is rendered or decoded)."""
    if not data:
        raise DocumentError("the file is empty")
    kind = sniff(data)
    if kind == "pdf":
        yield from _pdf_pages(data, limits, pages)
    elif kind in ("png", "jpeg", "tiff", "webp"):
        yield from _image_pages(data, kind, limits, pages)
    elif kind == "text":
        _chosen(1, pages, limits, "the text file")
        yield _text_page(data)
    else:
        raise DocumentError("unsupported file type: expected PDF, PNG, JPEG, TIFF, WebP or plain text")


def _text_page(data: bytes) -> PageInput:
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = [OcrLine(text=t.strip(), confidence=1.0, box=()) for t in text.split("\n") if t.strip()]
    return PageInput(number=1, width=0, height=0, source="text", lines=lines)


def _image_pages(data: bytes, kind: str, limits: Limits, pages: list[int] | None) -> Iterator[PageInput]:
    try:
        img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DocumentError(f"the {kind.upper()} image cannot be read: {exc}") from None
    chosen = _chosen(getattr(img, "n_frames", 1), pages, limits, "the image")
    for index in chosen:
        try:
            img.seek(index)
            width, height = img.size
            if width * height > limits.max_pixels:
                raise DocumentError(
                    f"page {index + 1} is {width}×{height} pixels, more than the limit of "
                    f"{limits.max_pixels / 1e6:.0f} megapixels"
                )
            frame = ImageOps.exif_transpose(img) if index == 0 else img
            rgb = np.asarray(frame.convert("RGB"))
        except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
            raise DocumentError(f"page {index + 1} of the {kind.upper()} image cannot be decoded: {exc}") from None
        yield PageInput(
            number=index + 1, width=rgb.shape[1], height=rgb.shape[0], source="ocr", image=rgb, of=len(chosen)
        )


def _pdf_pages(data: bytes, limits: Limits, pages: list[int] | None) -> Iterator[PageInput]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise DocumentError("the PDF is encrypted with a password") from None
        raise DocumentError(f"the PDF cannot be opened: {message}") from None
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentError("the PDF has no pages")
        chosen = _chosen(count, pages, limits, "the PDF")
        for index in chosen:
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise DocumentError(f"page {index + 1} of the PDF cannot be read: {exc}") from None
            try:
                read = _pdf_page(page, index + 1, limits)
                read.of = len(chosen)
                yield read
            finally:
                page.close()
    finally:
        pdf.close()


def _pdf_page(page, number: int, limits: Limits) -> PageInput:  # noqa: ANN001 (pypdfium2.PdfPage)
    import pypdfium2 as pdfium

    width_pt, height_pt = page.get_size()
    textpage = page.get_textpage()
    try:
        lines = _text_layer_lines(textpage, height_pt)
    finally:
        textpage.close()
    visible = sum(len(line.text.replace(" ", "")) for line in lines)
    if visible >= limits.pdf_text_layer_min_chars:
        return PageInput(
            number=number, width=round(width_pt), height=round(height_pt), source="text_layer", lines=lines
        )
    scale = limits.pdf_render_dpi / 72
    pixels = width_pt * scale * height_pt * scale
    if pixels > limits.max_pixels:
        scale *= (limits.max_pixels / pixels) ** 0.5
    try:
        bitmap = page.render(scale=scale)
        rgb = np.asarray(bitmap.to_pil().convert("RGB"))
    except pdfium.PdfiumError as exc:
        raise DocumentError(f"page {number} of the PDF cannot be rendered: {exc}") from None
    return PageInput(number=number, width=rgb.shape[1], height=rgb.shape[0], source="ocr", image=rgb)


def _text_layer_lines(textpage, page_height: float) -> list[OcrLine]:  # noqa: ANN001 (pypdfium2.PdfTextPage)
    """Lines of a PDF's text layer with their boxes (top-left origin, points)."""
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    lines: list[OcrLine] = []
    start = 0
    for index in range(len(text) + 1):
        if index < len(text) and text[index] not in "\r\n":
            continue
        segment = text[start:index]
        if segment.strip():
            boxes = [textpage.get_charbox(i) for i in range(start, min(index, count))]
            boxes = [b for b in boxes if b[2] > b[0] or b[3] > b[1]]
            if boxes:
                left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
                bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
                y0, y1 = page_height - top, page_height - bottom
                box = ((left, y0), (right, y0), (right, y1), (left, y1))
            else:
                box = ()
            lines.append(OcrLine(text=segment.strip(), confidence=1.0, box=box))
        start = index + 1
    return lines
