"""Light text on a dark fill (a shop's name in a black logo box): finds such regions on a page image, marks the
lines read there, and reads inverted the regions whose text the page's own read left unread.

PP-OCRv6 reads most light-on-dark text as it is printed (on the development corpora every logo box with text
was read by the page's read), so the finder's main use is the mark, which tells extraction that a line was
printed as a logo; a region is read again, inverted, only where no confident line covers its light pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

import cv2
import numpy as np

from services.worker.engine.port import Box, OcrEngine, OcrLine

# The finder works on the page subsampled to about this many pixels, so its cost does not grow with the scan
# (a 1850×8000 fax page is 15 MP): a box 1.5 text lines high keeps ~10 px of height at this size.
WORK_PIXELS = 500_000
# Line height assumed where the page's read found no line: receipts print ~40 characters a line, so a line is
# about 1/25 of the page's width high.
FALLBACK_LINES_PER_WIDTH = 25
MIN_CONTRAST = 64  # grey levels between the page's darkest and lightest pixel: less is a page of one tone
# A region must be this many text lines high to hold a line of text with fill around it; rules, underlines and
# a line of bold text are lower.
MIN_HEIGHT_LINES = 1.5
MIN_AREA_SHARE = 0.001  # of the page: smaller dark blobs are specks and bullets (logo boxes: 0.01-0.06)
MAX_AREA_SHARE = 0.5  # more than half the page dark is a dark page or a photo's background, not a logo
# Dark share of the bounding box: logo boxes and round logos with text measured 0.49-0.71 on the corpora
# (0.49: a rounded box dense with text), frames, rules and paragraphs of text far less.
MIN_FILL = 0.45
# Light share inside the region's convex outline: its text. Solid squares and bars measured 0.02-0.04, logo
# boxes with text 0.28-0.38.
MIN_LIGHT = 0.05
# Width over height: a box around a line of text is wider than half its height; barcode bars and tall glyphs
# (measured 0.10-0.49 on the corpora's pages) are not, and reading them cost 15-60 ms each for nothing.
MIN_ASPECT = 0.5
BORDER_PX = 2  # (working pixels) a region this close to the image's edge is a scanner margin or background
MAX_REGIONS = 3  # the largest few per page: each may cost one recognition, so the cost per page stays bounded
# A line of the page's read lies in a region when this share of its box is inside the region's box: on the
# corpora a logo box's own text 0.72-1.0, lines beside a region or across a heading's bold letter 0.58 at most.
INSIDE = 0.65
# A region is read again only when confident lines cover less than this share of its light pixels: where the
# page's read found its text (most logo boxes), a second read would repeat it, and where it is a bold
# heading's letter, the heading's line covers it.
READ_SHARE = 0.8
PAD_LINES = 0.5  # white margin put around an inverted crop, in text lines: the detector misses text at edges
# Reads below this confidence, or with fewer letters and digits, are left out: in a logo's drawing the model
# reads a star, a digit or two, at 0.5-0.99 (measured on the corpora's logos).
MIN_CONFIDENCE = 0.8
MIN_ALNUM = 2
SAME_TEXT = 0.8  # similarity of two reads at one place above which the inverted one repeats the page's own


@dataclass(frozen=True)
class Region:
    """A dark filled area: its bounding box in page pixels and the page coordinates of the light pixels inside
    its outline (sampled at the finder's scale)."""

    x: int
    y: int
    width: int
    height: int
    outline: np.ndarray  # uint8, 255 inside the region's convex outline, at the finder's scale over its box
    light: np.ndarray  # (n, 2) float: x, y of light pixels inside the outline, in page pixels

    @property
    def box(self) -> Box:
        x0, y0, x1, y1 = self.x, self.y, self.x + self.width, self.y + self.height
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def median_line_height(lines: list[OcrLine]) -> float | None:
    heights = sorted(_bounds(line.box)[3] - _bounds(line.box)[1] for line in lines if line.box)
    return heights[len(heights) // 2] if heights else None


def find_inverted_regions(image: np.ndarray, line_height: float | None = None) -> list[Region]:
    """Dark filled regions of an RGB (or grayscale) page that hold light pixels and do not touch its edges, the
    largest first; at most MAX_REGIONS. line_height: the page's text line height in pixels, where known."""
    height, width = image.shape[:2]
    if not height or not width:
        return []
    step = max(1, math.ceil(math.sqrt(height * width / WORK_PIXELS)))
    # nearest-neighbour subsampling: 30× cheaper than area averaging on a 15 MP page, and a fill stays a fill
    small = cv2.resize(image, (max(1, width // step), max(1, height // step)), interpolation=cv2.INTER_NEAREST)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY) if small.ndim == 3 else small
    if int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
        return []
    # Otsu splits ink from paper on scans, 1-bit fax pages and photos alike
    _, dark = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # opening removes text strokes and the specks that would join a box to its neighbours; a fill survives it
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    line = (line_height or width / FALLBACK_LINES_PER_WIDTH) / step
    rows, cols = gray.shape
    found: list[tuple[int, Region]] = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if h < MIN_HEIGHT_LINES * line or not MIN_AREA_SHARE * rows * cols <= w * h <= MAX_AREA_SHARE * rows * cols:
            continue
        if x < BORDER_PX or y < BORDER_PX or x + w > cols - BORDER_PX or y + h > rows - BORDER_PX:
            continue
        if area < MIN_FILL * w * h or w < MIN_ASPECT * h:
            continue
        component = (labels[y : y + h, x : x + w] == label).astype(np.uint8) * 255
        # the convex outline, not the component's own: light letters that reach a box's edge break its contour
        outline = np.zeros_like(component)
        cv2.fillConvexPoly(outline, cv2.convexHull(cv2.findNonZero(component)), 255)
        inside = (outline > 0) & (component == 0)
        if np.count_nonzero(inside) < MIN_LIGHT * np.count_nonzero(outline):
            continue
        ys, xs = np.nonzero(inside)
        light = np.column_stack(((xs + x) * step, (ys + y) * step)).astype(np.float64)
        box = (x * step, y * step, min(w * step, width - x * step), min(h * step, height - y * step))
        found.append((area, Region(*box, outline=outline, light=light)))
    found.sort(key=lambda item: -item[0])
    return [region for _, region in found[:MAX_REGIONS]]


def inverted_crop(image: np.ndarray, region: Region, pad: int) -> np.ndarray:
    """The region's pixels inverted (light text becomes dark on white), outside its outline white, with a
    white margin of pad pixels; RGB uint8."""
    rgb = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    crop = 255 - rgb[region.y : region.y + region.height, region.x : region.x + region.width]
    # a round logo's corners are paper: inverted they would print as black corners the detector reads as ink
    outline = cv2.resize(region.outline, (region.width, region.height), interpolation=cv2.INTER_NEAREST)
    crop[outline == 0] = 255
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def _bounds(box: Box) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in box], [y for _, y in box]
    return min(xs), min(ys), max(xs), max(ys)


def _area(box: Box) -> float:
    x0, y0, x1, y1 = _bounds(box)
    return (x1 - x0) * (y1 - y0)


def _intersection(a: Box, b: Box) -> float:
    ax0, ay0, ax1, ay1 = _bounds(a)
    bx0, by0, bx1, by1 = _bounds(b)
    return max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))


def _inside(line: OcrLine, region: Region) -> bool:
    area = _area(line.box) if line.box else 0.0
    return area > 0 and _intersection(line.box, region.box) >= INSIDE * area


def _read_share(region: Region, lines: list[OcrLine]) -> float:
    """Share of the region's light pixels that confident lines of the page's read cover."""
    if not len(region.light):
        return 1.0
    covered = np.zeros(len(region.light), dtype=bool)
    xs, ys = region.light[:, 0], region.light[:, 1]
    for line in lines:
        if line.box and line.confidence >= MIN_CONFIDENCE:
            x0, y0, x1, y1 = _bounds(line.box)
            covered |= (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
    return float(covered.mean())


def _repeats(read: OcrLine, lines: list[OcrLine]) -> bool:
    """Whether the page's read found the same text at the same place (a region that was not inverted text, or
    whose text was read): compared with the lines it overlaps, one by one and joined ("HARBOUR" over "COFFEE"
    for a read "HARBOUR COFFEE")."""
    if not read.box:
        return False
    near = []
    for other in lines:
        smaller = min(_area(read.box), _area(other.box)) if other.box else 0.0
        if smaller > 0 and _intersection(read.box, other.box) > 0.5 * smaller:
            near.append(other.text)
    return any(_similar(read.text, text) for text in [*near, " ".join(near)] if text)


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= SAME_TEXT


def read_region(engine: OcrEngine, image: np.ndarray, region: Region, line_height: float | None) -> list[OcrLine]:
    """The lines the engine reads in the region inverted, in page coordinates, marked inverted; unsure reads and
    reads of a logo's drawing (a star, a digit) left out."""
    pad = max(8, round(PAD_LINES * (line_height or region.height)))
    lines = []
    for read in engine.recognize(inverted_crop(image, region, pad)):
        if read.confidence < MIN_CONFIDENCE or sum(c.isalnum() for c in read.text) < MIN_ALNUM:
            continue
        box = tuple((x + region.x - pad, y + region.y - pad) for x, y in read.box)
        lines.append(replace(read, box=box, inverted=True))
    return lines


def with_inverted_text(engine: OcrEngine, image: np.ndarray, lines: list[OcrLine]) -> list[OcrLine]:
    """The page's lines with those printed light on a dark fill marked inverted, and the lines of dark regions
    that the page's read left unread added, read inverted, in reading order."""
    line_height = median_line_height([line for line in lines if line.confidence >= MIN_CONFIDENCE])
    regions = find_inverted_regions(image, line_height)
    if not regions:
        return lines
    marked = [replace(line, inverted=True) if any(_inside(line, r) for r in regions) else line for line in lines]
    added: list[OcrLine] = []
    for region in regions:
        if _read_share(region, lines) < READ_SHARE:
            added += [read for read in read_region(engine, image, region, line_height) if not _repeats(read, lines)]
    return merge_in_reading_order(marked, added)


def merge_in_reading_order(lines: list[OcrLine], added: list[OcrLine]) -> list[OcrLine]:
    """The page's lines with the added ones placed among them by height: each after the last line whose middle
    is above its own, so the page's own order is kept."""
    merged = list(lines)
    for line in sorted(added, key=_middle):
        middle = _middle(line)
        at = max((i + 1 for i, other in enumerate(merged) if other.box and _middle(other) <= middle), default=0)
        merged.insert(at, line)
    return merged


def _middle(line: OcrLine) -> float:
    _, y0, _, y1 = _bounds(line.box)
    return (y0 + y1) / 2
