"""Pages in a script the Latin recognition alphabet lacks (Chinese, Japanese): told by the document's locale, or by
the Latin read itself, and read with the model's full alphabet by an engine made only when a page first needs it.

A Chinese line read with the Latin alphabet comes back as a character or two in a box wide enough for ten
(":" for "地址：北京市东城区雍和宫大街"): the model finds no class for most of its characters and leaves them blank.
Latin text fills its box (about 0.4 box heights a character, measured on the corpora). So a page whose lines leave
enough box width unread is read again with the full alphabet, and the full read is kept where it found the script.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

import numpy as np

from services.worker.engine.port import OcrEngine, OcrLine

# Languages written in a script the full alphabet holds and the Latin one lacks: PP-OCRv6 small's alphabet has 15,908
# CJK ideographs (simplified and traditional) and 237 kana, but no Hangul at all (nor has the tiny one's), so Korean
# ("ko") is read by neither alphabet and gains nothing from the full one. yue: Cantonese, written in Chinese
# characters (Hong Kong). Script subtags say the same of any language ("und-Hant").
FULL_ALPHABET_LANGUAGES = frozenset({"zh", "ja", "yue"})
FULL_ALPHABET_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Hira", "Kana"})
_TAG = re.compile(r"^([a-z]{2,3})(?:-([A-Z][a-z]{3}))?(?:-|$)")

# A line counts as unread when its Latin read has fewer than this many characters per box height of width. On the
# corpora (sroie-dev, receipts-world-dev, invoices-dev: 11,027 lines of 221 pages, separators aside) Latin lines read
# 2.5 at the median and 0.64 or more, but for "HOST" printed light on a dark bar and spaced wide, read "9m" (0.39);
# lines of three or more Chinese characters read 0.37 or less, except those that also hold Latin words or digits
# (0.54 and more), which this leaves aside.
UNREAD_FILL = 0.5
# The page is read again with the full alphabet when its unread lines are this many box heights wide in all (about
# as many square CJK characters). On the corpora: every Latin page 0 but the one with "HOST" (5.2); the three Chinese
# receipts 17.8, 33.2 and 57.2; Latin receipts with a line or two in Chinese 17.9 (sroie-dev 000), 10.6, 6.4 and 0
# (Hong Kong). 8 leaves 2.8 above the Latin pages and 9.8 below the Chinese receipts.
UNREAD_WIDTH = 8.0
# A row of stars or dashes, read as a few of them in a wide box: a separator, not unread text.
_SEPARATOR = re.compile(r"[*\-=_.~#+\s]+")

# Code points only the full alphabet reads: kana, CJK ideographs, halfwidth katakana. Not CJK punctuation nor
# fullwidth forms: the full alphabet reads Latin ":" or "#" as "：" or "＃" now and then, on any page.
_FULL_ONLY = (
    (0x3040, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x3FFFF),
)
# The full read is kept when it holds at least this many of those. Its reads of the corpora's Latin pages hold at
# most 4 (look-alikes: "*" read "米", "-" read "一"), of pages with Chinese lines 20 or more.
FULL_READ_MIN_CHARACTERS = 5


def needs_full_alphabet(tag: str) -> bool:
    """Whether a BCP 47 locale ("zh-CN", "ja", "zh-Hant-HK") names a language or script only the full alphabet reads."""
    match = _TAG.match(tag)
    if match is None:
        return False
    return match.group(1) in FULL_ALPHABET_LANGUAGES or match.group(2) in FULL_ALPHABET_SCRIPTS


def _box_shape(line: OcrLine) -> tuple[float, float]:
    """The box's width and height along the line: its top edge and its left edge (the box may be turned)."""
    (x0, y0), (x1, y1), _, (x3, y3) = line.box[:4]
    return math.hypot(x1 - x0, y1 - y0), math.hypot(x3 - x0, y3 - y0)


def unread_width(lines: Iterable[OcrLine]) -> float:
    """How much of the page's text the Latin read left unread, in box heights (about one a CJK character): the
    widths of the lines that read fewer than UNREAD_FILL characters per box height, separators aside."""
    total = 0.0
    for line in lines:
        width, height = _box_shape(line)
        if height <= 0 or width <= 0:
            continue
        text = line.text.strip()
        if text and _SEPARATOR.fullmatch(text):
            continue
        if len(text) < UNREAD_FILL * width / height:
            total += width / height
    return total


def looks_unreadable(lines: Iterable[OcrLine]) -> bool:
    """Whether a page's Latin read leaves enough unread to read it again with the full alphabet."""
    return unread_width(lines) >= UNREAD_WIDTH


def full_only_characters(lines: Iterable[OcrLine]) -> int:
    """The characters of lines that only the full alphabet reads (kana, ideographs)."""
    return sum(any(low <= ord(c) <= high for low, high in _FULL_ONLY) for line in lines for c in line.text)


def found_the_script(full_read: list[OcrLine]) -> bool:
    """Whether the full alphabet's read of a page found the script the Latin read missed: it is then kept, else the
    Latin read (the full alphabet reads Latin text as well, word F1 0.902 against 0.903, but with look-alikes)."""
    return full_only_characters(full_read) >= FULL_READ_MIN_CHARACTERS


class LatinFirstEngine:
    """The worker's engine where OCRBATCH_OCR_ALPHABET=latin: reads with the Latin alphabet, and hands out an engine
    with the model's full alphabet, made when a page first needs it and kept. Renewed as one (RecyclingEngine makes
    the pair again), so the full engine, when there is one, goes with the Latin one."""

    alphabet = "latin"

    def __init__(self, latin: OcrEngine, make_full: Callable[[], OcrEngine]) -> None:
        self.latin = latin
        self._make_full = make_full
        self._full: OcrEngine | None = None
        self.name = latin.name

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return self.latin.recognize(image)

    def full_alphabet(self) -> OcrEngine:
        if self._full is None:
            self._full = self._make_full()
        return self._full

    @property
    def full_made(self) -> bool:
        return self._full is not None
