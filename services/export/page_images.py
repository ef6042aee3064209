"""An uploaded image's pages to put in a PDF, as close to the upload as PDF allows: a JPEG's bytes as they are
(DCTDecode), other images without loss (Flate over their pixels), each at its own resolution. (A PDF's pages are
kept as they are: services/export/pdf_pages.py.)"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageOps

DEFAULT_DPI = 150  # an image that does not say its resolution is laid out at this many pixels an inch
# A JPEG embedded as it is must be one PDF can show as the reader saw it: these modes, and no EXIF turn (PDF viewers
# ignore EXIF; the workers read the image turned)
_JPEG_AS_IS = {"L": "/DeviceGray", "RGB": "/DeviceRGB"}


@dataclass(frozen=True)
class PageImage:
    width: int  # pixels
    height: int
    dpi: float
    data: bytes  # the image stream, already encoded
    filter: str  # /DCTDecode or /FlateDecode
    color_space: str
    bits: int = 8

    @property
    def size_pt(self) -> tuple[float, float]:
        return self.width * 72 / self.dpi, self.height * 72 / self.dpi


class NoImages(Exception):
    """The file is not an image or a PDF (plain text): there is no page image to show."""


def _dpi(img: Image.Image) -> float:
    dpi = img.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError):
        value = 0.0
    return value if 30 <= value <= 2400 else DEFAULT_DPI


def _lossless(img: Image.Image, dpi: float) -> PageImage:
    if img.mode == "1":
        return PageImage(img.width, img.height, dpi, zlib.compress(img.tobytes(), 6), "/FlateDecode", "/DeviceGray", 1)
    if img.mode not in ("L", "RGB"):
        img = img.convert("L" if img.mode in ("LA", "I", "I;16", "F") else "RGB")
    space = "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
    return PageImage(img.width, img.height, dpi, zlib.compress(img.tobytes(), 6), "/FlateDecode", space)


def page_images(data: bytes) -> Iterator[PageImage]:
    """The image's pages in order; NoImages for a file that is not an image."""
    try:
        img = Image.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 (Pillow raises many kinds): not an image
        raise NoImages from None
    if img.format == "JPEG" and img.mode in _JPEG_AS_IS and img.getexif().get(0x0112, 1) == 1:
        yield PageImage(img.width, img.height, _dpi(img), data, "/DCTDecode", _JPEG_AS_IS[img.mode])
        return
    for index in range(getattr(img, "n_frames", 1)):
        img.seek(index)
        frame = ImageOps.exif_transpose(img) if index == 0 else img  # as the workers read it
        yield _lossless(frame, _dpi(img))
