"""Where a page's recognised words go on its image in a PDF: each word on its own estimated box (the line's box cut
by character counts, as a line's characters are spread across it), on the line's baseline and slant, scaled to
fill its box, so that search and selection in a viewer land on the printed words."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ocrbatch.v1 import common_pb2

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class PlacedWord:
    text: str
    origin: tuple[float, float]  # the start of its baseline, in PDF points (origin bottom-left)
    direction: tuple[float, float]  # unit vector along the baseline
    height: float  # the box's height in points: the font's ascent to descent fills it
    width: float  # the box's width in points: the word is stretched or squeezed to it


def placed_words(page: common_pb2.Page, page_pt: tuple[float, float]) -> list[PlacedWord]:
    """The page's words in PDF points on a page `page_pt` wide and high (the page's boxes are in its own
    width × height units: pixels of the image that was read, or a PDF's points)."""
    if not page.width or not page.height:
        return []
    sx, sy = page_pt[0] / page.width, page_pt[1] / page.height

    def pdf(point: common_pb2.Point) -> tuple[float, float]:
        return point.x * sx, page_pt[1] - point.y * sy

    out = []
    for line in page.lines:
        if len(line.box) != 4 or not line.text.strip():
            continue
        top_left, top_right, _, bottom_left = (pdf(p) for p in line.box)
        run = (top_right[0] - top_left[0], top_right[1] - top_left[1])
        length = math.hypot(*run)
        height = math.hypot(top_left[0] - bottom_left[0], top_left[1] - bottom_left[1])
        if length < 1e-3 or height < 1e-3:
            continue
        direction = (run[0] / length, run[1] / length)
        per_char = length / len(line.text)
        for word in _WORD.finditer(line.text):
            along = word.start() * per_char
            origin = (bottom_left[0] + direction[0] * along, bottom_left[1] + direction[1] * along)
            out.append(PlacedWord(word.group(), origin, direction, height, per_char * len(word.group())))
    return out
