"""How many of a page's recognised words a PDF viewer finds where they are printed: each word's box in the PDF's
text (pdfium's character boxes) against its OCR box (the line's box cut by characters), by intersection over union."""

from __future__ import annotations

from collections.abc import Sequence

import pypdfium2 as pdfium

Line = tuple[str, Sequence[Sequence[float]]]  # a line's text and its box's corners, in page units
MIN_IOU = 0.5


def word_boxes(text: str, corners: Sequence[Sequence[float]]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """A line's words with their boxes (left, top, right, bottom): the line's box cut by characters."""
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
    per_char = (right - left) / len(text)
    out, start = [], 0
    for word in text.split():
        start = text.index(word, start)
        out.append((word, (left + start * per_char, top, left + (start + len(word)) * per_char, bottom)))
        start += len(word)
    return out


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    across = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    down = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    both = across * down
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - both
    return both / area if area > 0 else 0.0


def words_on_their_boxes(page: pdfium.PdfPage, lines: list[Line], size: tuple[float, float]) -> tuple[int, int]:
    """(words found on their boxes, words) for a PDF page showing a recognised page `size` (width, height) units big."""
    width_pt, height_pt = page.get_size()
    sx, sy = width_pt / size[0], height_pt / size[1]
    text = page.get_textpage()
    everything = text.get_text_range()
    words = [w for line_text, corners in lines if line_text.strip() for w in word_boxes(line_text, corners)]
    found_right = 0
    for word, (left, top, right, bottom) in words:
        expected = (left * sx, height_pt - bottom * sy, right * sx, height_pt - top * sy)  # PDF y goes up
        best, at = 0.0, everything.find(word)
        while at >= 0:  # of the places the text holds the word, the one nearest its box
            boxes = [text.get_charbox(i, loose=True) for i in range(at, at + len(word))]
            found = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            best = max(best, iou(found, expected))
            at = everything.find(word, at + 1)
        found_right += best >= MIN_IOU
    return found_right, len(words)
