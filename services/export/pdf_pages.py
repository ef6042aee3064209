"""An uploaded PDF's pages kept as they are, to put in another PDF: each page as a Form XObject (its content and
resources copied object by object, streams as they are encoded, nothing rendered), so a page that has a text layer
keeps it and a scanned page keeps its image at its own resolution and encoding."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pikepdf


class NoPages(Exception):
    """An uploaded PDF whose pages cannot be copied (pdfium read it, qpdf does not)."""


@dataclass(frozen=True)
class KeptPage:
    size_pt: tuple[float, float]  # as the page shows (cropped, turned)
    form: pikepdf.Object  # the page as a Form XObject…
    origin: tuple[float, float]  # …whose visible part starts here: drawn moved by minus this, it fills size_pt


class PdfCopier:
    """Writes a source PDF's objects into another PDF being written, each once, under new object numbers."""

    def __init__(self, allocate: Callable[[], int], write: Callable[[int, bytes], None]) -> None:
        self._allocate = allocate
        self._write = write
        self._numbers: dict[tuple[int, int], int] = {}
        self._queue: list[tuple[int, pikepdf.Object]] = []

    def copy(self, obj: pikepdf.Object) -> int:
        """The new number of an indirect object, written with everything it refers to."""
        number = self._number(obj)
        while self._queue:
            target, item = self._queue.pop()
            self._write(target, self._body(item))
        return number

    def _number(self, obj: pikepdf.Object) -> int:
        key = obj.objgen
        if key not in self._numbers:
            self._numbers[key] = self._allocate()
            self._queue.append((self._numbers[key], obj))
        return self._numbers[key]

    def _body(self, obj: pikepdf.Object) -> bytes:
        if isinstance(obj, pikepdf.Stream):
            raw = obj.read_raw_bytes()
            entries = {k: v for k, v in obj.stream_dict.items() if k != "/Length"}
            head = self._dictionary(entries)[:-2] + f" /Length {len(raw)} >>".encode()
            return head + b"\nstream\n" + raw + b"\nendstream"
        return self._value(obj, top=True)

    def _dictionary(self, entries: dict[str, Any]) -> bytes:
        parts = [pikepdf.Name(key).unparse() + b" " + self._value(value) for key, value in entries.items()]
        return b"<< " + b" ".join(parts) + b" >>"

    def _value(self, value: Any, top: bool = False) -> bytes:
        if isinstance(value, pikepdf.Object) and value.is_indirect and not top:
            return f"{self._number(value)} 0 R".encode()
        if isinstance(value, bool):
            return b"true" if value else b"false"
        if isinstance(value, int):
            return str(value).encode()
        if isinstance(value, float | Decimal):
            return f"{float(value):.6f}".rstrip("0").rstrip(".").encode() or b"0"
        if isinstance(value, pikepdf.Dictionary):
            return self._dictionary(dict(value.items()))
        if isinstance(value, pikepdf.Array):
            return b"[" + b" ".join(self._value(item) for item in value) + b"]"
        if isinstance(value, pikepdf.Stream):  # a direct stream cannot be: streams are always indirect
            raise ValueError("a stream that is not an indirect object")
        return (
            pikepdf.Object.unparse(value) if isinstance(value, pikepdf.Object) else pikepdf.String(str(value)).unparse()
        )


def kept_pages(data: bytes) -> Iterator[KeptPage]:
    """The PDF's pages in order, each as a Form XObject of the page as it shows (cropped and turned); NoPages when
    the file cannot be opened for copying."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise NoPages(f"the PDF could not be copied ({exc})") from None
    try:
        for page in pdf.pages:
            form = page.as_form_xobject(handle_transformations=True)  # its /Matrix turns it, its /BBox crops it
            left, bottom, right, top = (float(v) for v in form.BBox)
            a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            corners = [(a * x + c * y + e, b * x + d * y + f) for x in (left, right) for y in (bottom, top)]
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            yield KeptPage((max(xs) - min(xs), max(ys) - min(ys)), form, (min(xs), min(ys)))
    finally:
        pdf.close()
