"""A small PDF writer that emits pages as they are laid out (flat memory), with an embedded TrueType font.

Text is written as CIDs: each distinct character gets its own CID, a CIDToGIDMap points it at the font's
glyph and a ToUnicode map back at the character, so every character (accents, CJK, right-to-left) can be
extracted again even where the font has no glyph for it. Lines are laid out in visual order (Unicode bidi
algorithm), as PDF viewers draw glyphs left to right, with the logical text as ActualText for extraction;
Arabic letters are not joined (no shaping).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bidi import get_display

from services.export.page_images import PageImage
from services.export.pdf_pages import PdfCopier
from services.export.text_overlay import PlacedWord

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
_LTR = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]")
MARGIN = 50.0
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)


# for text whose columns must line up: a record's recognised text keeps its printed rows' columns with spaces
FIXED_WIDTH_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)


def find_font(configured: str = "", candidates: tuple[str, ...] = FONT_CANDIDATES) -> Path | None:
    for candidate in ([configured] if configured else []) + list(candidates):
        path = Path(candidate)
        if path.is_file():
            return path
    return None


class PdfFont:
    """Glyph ids and advance widths (1/1000 em) of one TrueType font; without a file, a default width."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.cmap: dict[int, str] = {}
        self.glyph_ids: dict[str, int] = {}
        self.advances: dict[str, int] = {}
        self.name = "Helvetica"
        self.ascent, self.descent, self.bbox, self.cap_height = 900, -200, [-200, -250, 1200, 950], 700
        if path is None:
            return
        from fontTools.ttLib import TTFont

        font = TTFont(str(path), lazy=True)
        scale = 1000 / font["head"].unitsPerEm
        self.cmap = font.getBestCmap()
        self.glyph_ids = {name: font.getGlyphID(name) for name in set(self.cmap.values())}
        hmtx = font["hmtx"]
        self.advances = {name: round(hmtx[name][0] * scale) for name in self.glyph_ids}
        self.name = "".join(c for c in font["name"].getDebugName(6) or "Embedded" if c.isalnum() or c == "-")
        head, hhea = font["head"], font["hhea"]
        self.ascent, self.descent = round(hhea.ascent * scale), round(hhea.descent * scale)
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        os2 = font.get("OS/2")
        self.cap_height = round(getattr(os2, "sCapHeight", 0) * scale) or self.ascent
        font.close()

    def glyph(self, ch: str) -> tuple[int, int]:
        name = self.cmap.get(ord(ch))
        if name is None:
            return 0, 600 if self.path is None else 500
        return self.glyph_ids[name], self.advances[name]

    def width(self, text: str, size: float) -> float:
        return sum(self.glyph(ch)[1] for ch in text) * size / 1000


@dataclass
class _Line:
    text: str
    size: float
    gap_before: float = 0.0
    font: str = "F1"


@dataclass
class _FontInUse:
    """A font of the document: the characters shown in it (each a CID) and its Type0 font object's number."""

    font: PdfFont
    type0: int
    cids: dict[str, int]

    def cid(self, ch: str) -> int:
        cid = self.cids.get(ch)
        if cid is None:
            cid = self.cids[ch] = len(self.cids) + 1
        return cid

    def hex(self, text: str) -> str:
        return "".join(f"{self.cid(ch):04X}" for ch in text)


class StreamingPdf:
    """Lay out headings and paragraphs; finished pages come out of `drain()` as bytes, the rest from `close()`."""

    _CATALOG, _PAGES, _INFO = range(1, 4)

    def __init__(self, font: PdfFont, title: str, fixed_width: PdfFont | None = None) -> None:
        """`fixed_width`: the font of `paragraph(…, fixed=True)` (text whose columns must line up); the main font
        where none is given."""
        self.font = font
        self._title = title
        self._offset = 0
        self._xref: dict[int, int] = {}
        self._next = 4
        self._page_ids: list[int] = []
        self._fonts = {"F1": _FontInUse(font, self._allocate(), {})}
        if fixed_width is not None:
            self._fonts["F2"] = _FontInUse(fixed_width, self._allocate(), {})
        self._out: list[bytes] = []
        self._ops: list[str] = []
        self._y = PAGE_H - MARGIN
        self._bookmarks: list[tuple[str, int]] = []  # a title and the index of the page it opens at
        self._emit(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    # --- low level ---------------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        self._out.append(data)
        self._offset += len(data)

    def _object(self, number: int, body: bytes) -> None:
        self._xref[number] = self._offset
        self._emit(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    def _stream(self, number: int, data: bytes, extra: str = "") -> None:
        packed = zlib.compress(data, 6)
        self._object(
            number,
            f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode() + packed + b"\nendstream",
        )

    def _raw_stream(self, number: int, data: bytes, dictionary: str) -> None:
        """A stream written as it is given (already encoded: a JPEG's bytes, Flate-compressed pixels)."""
        self._object(number, f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")

    # --- layout ------------------------------------------------------------------------------
    def _wrap(self, text: str, size: float, font: PdfFont) -> Iterator[str]:
        limit = PAGE_W - 2 * MARGIN
        text = "".join(ch if ch >= " " else " " for ch in text.replace("\t", "    "))
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.width(candidate, size) <= limit:
                line = candidate
                continue
            if line:
                yield line
            line = ""
            for ch in word:  # a word wider than the page is cut where it overflows
                if font.width(line + ch, size) > limit:
                    yield line
                    line = ""
                line += ch
        yield line

    def _place(self, line: _Line) -> None:
        leading = line.size * 1.35
        if self._y - line.gap_before - leading < MARGIN:
            self.new_page()
        else:
            self._y -= line.gap_before
        self._y -= leading
        if line.text:
            visual = get_display(line.text)
            hexed = self._fonts[line.font].hex(visual)
            show = f"BT /{line.font} {line.size:g} Tf {MARGIN:g} {self._y:.2f} Td <{hexed}> Tj ET"
            if visual != line.text and _LTR.search(line.text):
                # A mixed-direction line reordered for display: ActualText gives extractors the logical order
                # (a purely right-to-left line is left to them: they reverse it themselves)
                actual = line.text.encode("utf-16-be").hex().upper()
                show = f"/Span << /ActualText <FEFF{actual}> >> BDC {show} EMC"
            self._ops.append(show)

    def heading(self, text: str, size: float = 15) -> None:
        for i, part in enumerate(self._wrap(text, size, self.font)):
            self._place(_Line(part, size, gap_before=size * 0.6 if i == 0 else 0))

    def paragraph(self, text: str, size: float = 10, fixed: bool = False) -> None:
        """A paragraph, wrapped at the margin; `fixed`: in the fixed-width font, its spaces kept (columns)."""
        name = "F2" if fixed and "F2" in self._fonts else "F1"
        for part in self._wrap(text, size, self._fonts[name].font):
            self._place(_Line(part, size, font=name))

    def bookmark(self, title: str) -> None:
        """An outline entry opening at the next page to be written."""
        self.new_page()
        self._bookmarks.append((title, len(self._page_ids)))

    def image_page(self, image: PageImage, words: list[PlacedWord]) -> None:
        """A page the size of the image (at its resolution) showing it, with the words as invisible text (render
        mode 3) on their boxes: searchable and selectable, drawn by nothing."""
        self.new_page()
        width, height = image.size_pt
        picture = self._allocate()
        self._raw_stream(
            picture,
            image.data,
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            f"/ColorSpace {image.color_space} /BitsPerComponent {image.bits} /Filter {image.filter}",
        )
        self._drawn_page(f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /X1 Do Q", picture, (width, height), words)

    def copier(self) -> PdfCopier:
        """Copies another PDF's objects into this one (each once per copier: one per source document)."""
        return PdfCopier(self._allocate, self._object)

    def form_page(
        self, form: int, size: tuple[float, float], origin: tuple[float, float], words: list[PlacedWord]
    ) -> None:
        """A page `size` big showing a Form XObject already written (a source PDF's page, kept as it is) whose
        visible part starts at `origin`, with the words as invisible text on their boxes."""
        self.new_page()
        self._drawn_page(f"q 1 0 0 1 {-origin[0]:.3f} {-origin[1]:.3f} cm /X1 Do Q", form, size, words)

    def _drawn_page(self, draw: str, xobject: int, size: tuple[float, float], words: list[PlacedWord]) -> None:
        ops = [draw]
        if words:
            ops.append("BT 3 Tr")
            ops += [self._invisible(word) for word in words]
            ops.append("ET")
        self._ops = ops
        self.new_page(f"/XObject << /X1 {xobject} 0 R >>", size)

    def _allocate(self) -> int:
        number = self._next
        self._next += 1
        return number

    def _invisible(self, word: PlacedWord) -> str:
        f = self.font
        size = word.height * 1000 / (f.ascent - f.descent)
        natural = f.width(word.text, size)
        stretch = 100 * word.width / natural if natural > 0 else 100
        (dx, dy), (ox, oy) = word.direction, word.origin
        rise = -f.descent * size / 1000  # the baseline sits above the box's bottom by the font's descent
        x, y = ox - dy * rise, oy + dx * rise
        return (
            f"/F1 {size:.2f} Tf {stretch:.1f} Tz {dx:.4f} {dy:.4f} {-dy:.4f} {dx:.4f} {x:.2f} {y:.2f} Tm "
            f"<{self._fonts['F1'].hex(word.text)}> Tj"
        )

    def new_page(self, resources: str = "", size: tuple[float, float] = (PAGE_W, PAGE_H)) -> None:
        if not self._ops:
            self._y = PAGE_H - MARGIN
            return
        content, page = self._next, self._next + 1
        self._next += 2
        self._stream(content, "\n".join(self._ops).encode())
        self._object(
            page,
            (
                f"<< /Type /Page /Parent {self._PAGES} 0 R /MediaBox [0 0 {size[0]:.3f} {size[1]:.3f}] "
                f"/Resources << /Font << {self._font_resources} >> {resources} >> /Contents {content} 0 R >>"
            ).encode(),
        )
        self._page_ids.append(page)
        self._ops = []
        self._y = PAGE_H - MARGIN

    def drain(self) -> bytes:
        out = b"".join(self._out)
        self._out.clear()
        return out

    # --- the end: fonts, page tree, cross-reference table ----------------------------------------
    def close(self) -> bytes:
        self.new_page()
        if not self._page_ids:
            self.paragraph(" ")
            self._ops.append("")
            self.new_page()
        for used in self._fonts.values():
            self._write_font(used)
        kids = " ".join(f"{p} 0 R" for p in self._page_ids)
        self._object(self._PAGES, f"<< /Type /Pages /Kids [{kids}] /Count {len(self._page_ids)} >>".encode())
        outlines = self._write_outlines()
        self._object(self._CATALOG, f"<< /Type /Catalog /Pages {self._PAGES} 0 R {outlines}>>".encode())
        title = self._title.encode("utf-16-be").hex().upper()
        self._object(self._INFO, f"<< /Title <FEFF{title}> /Producer (ocrbatch) >>".encode())
        xref_at = self._offset
        size = self._next
        table = [f"xref\n0 {size}\n0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self._xref.get(number)
            table.append(f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 65535 f \n")
        self._emit("".join(table).encode())
        self._emit(
            f"trailer\n<< /Size {size} /Root {self._CATALOG} 0 R /Info {self._INFO} 0 R >>\n"
            f"startxref\n{xref_at}\n%%EOF\n".encode()
        )
        return self.drain()

    def _write_outlines(self) -> str:
        """The bookmarks as the document's outline; the catalog entries that show it ("" when there is none)."""
        marks = [(title, self._page_ids[index]) for title, index in self._bookmarks if index < len(self._page_ids)]
        if not marks:
            return ""
        root, first = self._next, self._next + 1
        self._next += 1 + len(marks)
        for i, (title, page) in enumerate(marks):
            links = f"/Prev {first + i - 1} 0 R " if i else ""
            links += f"/Next {first + i + 1} 0 R " if i < len(marks) - 1 else ""
            text = title.encode("utf-16-be").hex().upper()
            self._object(
                first + i, f"<< /Title <FEFF{text}> /Parent {root} 0 R {links}/Dest [{page} 0 R /Fit] >>".encode()
            )
        last = first + len(marks) - 1
        self._object(root, f"<< /Type /Outlines /First {first} 0 R /Last {last} 0 R /Count {len(marks)} >>".encode())
        return f"/Outlines {root} 0 R /PageMode /UseOutlines "

    @property
    def _font_resources(self) -> str:
        return " ".join(f"/{name} {used.type0} 0 R" for name, used in self._fonts.items())

    def _write_font(self, used: _FontInUse) -> None:
        f = used.font
        by_cid = sorted((cid, ch) for ch, cid in used.cids.items())
        cid_font, descriptor, font_file, to_unicode, cid_to_gid = (self._allocate() for _ in range(5))
        base = f"OCRB+{f.name}"
        widths = " ".join(f"{cid} [{f.glyph(ch)[1]}]" for cid, ch in by_cid)
        self._object(
            used.type0,
            (
                f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
                f"/DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R >>"
            ).encode(),
        )
        self._object(
            cid_font,
            (
                f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
                f"/FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap {cid_to_gid} 0 R >>"
            ).encode(),
        )
        file_ref = f"/FontFile2 {font_file} 0 R " if f.path is not None else ""
        self._object(
            descriptor,
            (
                f"<< /Type /FontDescriptor /FontName /{base} /Flags 32 /FontBBox [{' '.join(map(str, f.bbox))}] "
                f"/ItalicAngle 0 /Ascent {f.ascent} /Descent {f.descent} /CapHeight {f.cap_height} /StemV 80 "
                f"{file_ref}>>"
            ).encode(),
        )
        if f.path is not None:
            data = f.path.read_bytes()
            self._stream(font_file, data, f"/Length1 {len(data)} ")
        gid_map = bytearray(2 * (len(by_cid) + 1))
        for cid, ch in by_cid:
            gid = f.glyph(ch)[0]
            gid_map[2 * cid : 2 * cid + 2] = gid.to_bytes(2, "big")
        self._stream(cid_to_gid, bytes(gid_map))
        self._stream(to_unicode, self._to_unicode(by_cid))

    @staticmethod
    def _to_unicode(by_cid: list[tuple[int, str]]) -> bytes:
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        for start in range(0, len(by_cid), 100):
            block = by_cid[start : start + 100]
            lines.append(f"{len(block)} beginbfchar")
            lines += [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in block]
            lines.append("endbfchar")
        lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
        return "\n".join(lines).encode()
