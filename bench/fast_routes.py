"""Which lines the `fast` reading quality reads again with the small recogniser: each route measured on the real
corpora, by field accuracy and time, from one tiny reading of every page and one small-recogniser reading of
every line it found (cached in .cache/fast-routes/, so routes are compared without reading again).

Routes (letters combine): H the header rows (H5: only their first five lines), G the header rows the fitted gate
wants (services/worker/engine/reread_gate.py; `fast` reads GT again), L lines a label of the template
matches, A lines with an amount, T lines with a date, I lines with an identifier, C the lines of the extraction's
candidates (winner and alternatives) on the tiny reading, X every line. Time is estimated as the tiny reading plus
the share of lines re-read times the small recogniser's time for all of them (measured per page, one thread).

Usage: python -m bench.fast_routes [--corpus sroie-dev] [--routes none,H,G,H5,HL,HA,HAT,CH,X] [--det-max-side 1280]
The gate itself is fitted by python -m bench.reread_gate_fit.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import statistics
import time
from typing import Any

from ocrbatch.v1 import common_pb2, templates_pb2
from services.common.templates import BUILTIN_TEMPLATES
from services.worker.documents import Limits
from services.worker.engine.fast import header_lines, looks_like_date
from services.worker.engine.port import OcrLine
from services.worker.engine.rapidocr_engine import DET_MAX_SIDE
from services.worker.engine.reread_gate import fitted_gate, median_height
from services.worker.extraction import extract
from services.worker.extraction.labels import find_labels
from services.worker.pipeline import read_document
from tests.support import real_corpora
from tests.support.ocr_cache import DEFAULT_DIR, page_text

CACHE = DEFAULT_DIR.parent / "fast-routes"
AMOUNT = re.compile(r"\d[.,]\s?\d{2}(?!\d)")
IDENTIFIER = re.compile(r"(?=\S*\d)[A-Z0-9\-/#]{4,}")


def _key(text: str, box: Any) -> tuple[str, tuple[int, ...]]:
    return text, tuple(round(c) for c in box)


def as_ocr(line: common_pb2.Line) -> OcrLine:
    """A stored line as the engine's line (what the gate and header_lines read)."""
    return OcrLine(line.text, line.confidence, tuple((p.x, p.y) for p in line.box))


def careful_reading(kept: dict[str, Any], line: common_pb2.Line) -> tuple[str, float] | None:
    """The small recogniser's reading of a stored tiny line (text, confidence), from a page's kept readings."""
    again: tuple[str, float] | None = kept["again"].get(_key(line.text, [c for p in line.box for c in (p.x, p.y)]))
    return again


class _Both:
    """The tiny pair's reading of a page, with the small recogniser's reading of each of its lines kept aside."""

    def __init__(self, det_max_side: int) -> None:
        from services.worker.engine.rapidocr_engine import RapidOcrEngine

        self.tiny = RapidOcrEngine(threads=1, backend="openvino", model="tiny", det_max_side=det_max_side)
        self.small = RapidOcrEngine(threads=1, backend="openvino", model="small")
        self.name, self.alphabet = self.tiny.name, "latin"
        self.again: dict[tuple[str, tuple[int, ...]], tuple[str, float]] = {}
        self.tiny_s = self.small_s = 0.0

    def recognize(self, image: Any) -> list[OcrLine]:
        started = time.perf_counter()
        lines = self.tiny.recognize(image)
        self.tiny_s += time.perf_counter() - started
        started = time.perf_counter()
        read = self.small.read_lines(image, [line.box for line in lines])
        self.small_s += time.perf_counter() - started
        for line, again in zip(lines, read, strict=True):
            self.again[_key(line.text, [c for xy in line.box for c in xy])] = again
        return lines


def readings(docs: list[real_corpora.RealDocument], det_max_side: int) -> dict[str, dict[str, Any]]:
    CACHE.mkdir(parents=True, exist_ok=True)
    both: _Both | None = None
    out = {}
    for doc in docs:
        data = doc.path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        path = CACHE / f"{digest}-det{det_max_side}.pkl"
        if not path.is_file():
            both = both or _Both(det_max_side)
            both.again, both.tiny_s, both.small_s = {}, 0.0, 0.0
            pages = read_document(data, both, Limits()).pages
            kept = {"pages": [p.SerializeToString() for p in pages], "again": both.again}
            path.write_bytes(pickle.dumps(kept | {"tiny_s": both.tiny_s, "small_s": both.small_s}))
        out[digest] = pickle.loads(path.read_bytes())
    return out


def _labels(template: templates_pb2.Template) -> tuple[str, ...]:
    found: list[str] = []
    for f in template.fields:
        kind = f.rule.WhichOneof("kind")
        if kind == "label":
            found += [*f.rule.label.labels, *f.rule.label.exclude_labels]
        elif kind == "table":
            found += [h for c in f.rule.table.columns for h in c.headers] + list(f.rule.table.stop_labels)
    return tuple(dict.fromkeys(found))


def _overlaps(line: common_pb2.Line, box: list[list[float]]) -> bool:
    xs, ys = [p.x for p in line.box], [p.y for p in line.box]
    bx, by = [p[0] for p in box], [p[1] for p in box]
    across = min(max(xs), max(bx)) - max(min(xs), min(bx))
    down = min(max(ys), max(by)) - max(min(ys), min(by))
    return across > 0 and down > 0.5 * (max(ys) - min(ys))


def _candidate_boxes(details: dict[str, Any] | None) -> list[tuple[int, list[list[float]]]]:
    boxes = []
    for detail in (details or {}).values():
        if isinstance(detail, dict):
            for c in [detail, *(detail.get("alternatives") or [])]:
                if c.get("box") and c.get("page"):
                    boxes.append((c["page"], c["box"]))
    return boxes


def chosen(page: common_pb2.Page, route: str, labels: tuple[str, ...], boxes: list[Any]) -> set[int]:
    picked: set[int] = set()
    lines = list(page.lines)
    if "X" in route:
        return set(range(len(lines)))
    read = [as_ocr(line) for line in lines]
    if "H" in route:
        first = re.search(r"H(\d+)", route)  # H5: only the header's first five lines
        picked.update(header_lines(read, page.height, int(first[1]) if first else None))
    if "G" in route:
        median = median_height(read)
        picked.update(i for i in header_lines(read, page.height) if fitted_gate().wanted(read[i], median))
    for i, line in enumerate(lines):
        if (
            ("A" in route and AMOUNT.search(line.text))
            or ("T" in route and looks_like_date(line.text))
            or ("I" in route and IDENTIFIER.search(line.text))
            or ("L" in route and find_labels(line.text, labels))
            or ("C" in route and any(n == page.number and _overlaps(line, b) for n, b in boxes))
        ):
            picked.add(i)
    return picked


def route_scores(route: str, docs: list[real_corpora.RealDocument], read: dict[str, dict[str, Any]]) -> str:
    template = BUILTIN_TEMPLATES[docs[0].template]
    labels = _labels(template)
    counts, tiny_s, small_s = [0, 0], 0.0, 0.0

    def pages_of(data: bytes) -> list[common_pb2.Page]:
        nonlocal tiny_s, small_s
        kept = read[hashlib.sha256(data).hexdigest()]
        tiny_s, small_s = tiny_s + kept["tiny_s"], small_s + kept["small_s"]
        pages = [common_pb2.Page.FromString(b) for b in kept["pages"]]
        boxes = _candidate_boxes(extract(template, pages, page_text(pages)).details) if "C" in route else []
        for page in pages:
            picked = chosen(page, route, labels, boxes) if route != "none" else set()
            counts[0], counts[1] = counts[0] + len(picked), counts[1] + len(page.lines)
            for i in picked:
                line = page.lines[i]
                again = careful_reading(kept, line)
                if again and again[0].strip():
                    line.text, line.confidence = again
        return pages

    scores = real_corpora.score(docs, pages_of)
    share = counts[0] / max(1, counts[1])
    per_doc = (tiny_s + share * small_s) / len(docs)
    f1 = f"{statistics.mean(scores.word_f1):.3f}" if scores.word_f1 else "  -  "
    fields = "  ".join(f"{name} {t.accuracy:.3f}" for name, t in scores.fields.items())
    return f"{route:<7}{share:>8.2f}{per_doc:>8.2f}{f1:>9}  {fields}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=real_corpora.CORPORA, default="sroie-dev")
    parser.add_argument("--routes", default="none,H,G,H3,H5,H8,HL,HA,HAT,CH,X")
    parser.add_argument(
        "--det-max-side", type=int, default=DET_MAX_SIDE, help="the tiny detector's page size (longer side)"
    )
    args = parser.parse_args()
    docs = real_corpora.load(args.corpus)
    read = readings(docs, args.det_max_side)
    print(f"{args.corpus}: {len(docs)} documents, one thread, tiny detection at ≤ {args.det_max_side} px")
    print(f"{'route':<7}{'reread':>8}{'s/doc':>8}{'word F1':>9}  fields")
    for route in args.routes.split(","):
        print(route_scores(route, docs, read))


if __name__ == "__main__":
    main()
