"""Generates test documents: clean invoice PNGs, noisy rotated JPEG scans, text-layer and scanned PDFs."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_CANDIDATES = (
    "DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
)


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font if the machine has one, else Pillow's bundled one (always present)."""
    for candidate in FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Invoice:
    number: str
    total: str
    vendor: str = "Acme Corp"
    date: str = "31/03/2026"
    items: tuple[tuple[str, int, str], ...] = field(
        default=(("Consulting services", 1, "1,000.00"), ("Travel expenses", 2, "125.00"))
    )

    def lines(self) -> list[str]:
        out = [
            "INVOICE",
            f"Invoice No: {self.number}",
            f"Date: {self.date}",
            f"Vendor: {self.vendor}",
            "Bill to: Example Industries Ltd",
            "Description            Qty     Unit price",
        ]
        out += [f"{d}    {q}    {p}" for d, q, p in self.items]
        out.append(f"Total: {self.total} EUR")
        return out


def invoice_image(invoice: Invoice, *, width: int = 1000, height: int = 700, font_size: int = 26) -> Image.Image:
    """A clean, half-page invoice rendered at about 120 dpi: big enough to read, small enough to OCR fast."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    y = 50
    for index, line in enumerate(invoice.lines()):
        size = font_size + 10 if index == 0 else font_size
        draw.text((60, y), line, fill="black", font=font(size))
        y += int(size * 1.9)
    return img


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def scanned(img: Image.Image, *, angle: float = 3.0, noise: float = 18.0, seed: int = 7) -> Image.Image:
    """Looks like a scan: slightly rotated, grey paper, sensor noise, a little blur."""
    rng = np.random.default_rng(seed)
    rotated = img.convert("L").rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=235)
    pixels = np.asarray(rotated, dtype=np.float32) * 0.92 + 10
    pixels += rng.normal(0, noise, pixels.shape)
    speckles = rng.random(pixels.shape) < 0.002
    pixels[speckles] = 40
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    return out.convert("RGB")


def jpeg_bytes(img: Image.Image, quality: int = 70) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def image_pdf_bytes(images: list[Image.Image], dpi: int = 120) -> bytes:
    """A scanned PDF: pages that are only pictures, no text layer."""
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def tiff_bytes(images: list[Image.Image]) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    return buf.getvalue()


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF with a real text layer (Helvetica, WinAnsi text), one list of lines per page."""
    objects: list[str] = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    font_obj = 3
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for lines in pages:
        content = "BT /F1 13 Tf 60 780 Td 20 TL " + " ".join(f"({_pdf_escape(line)}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Length {len(content.encode('latin-1'))} >>\nstream\n{content}\nendstream")
        content_obj = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_obj} 0 R >> >> /Contents {content_obj} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def corrupt_pdf_bytes() -> bytes:
    """Starts like a PDF, then is garbage: a truncated or damaged upload."""
    return b"%PDF-1.7\n" + bytes(random.Random(3).getrandbits(8) for _ in range(2048))
