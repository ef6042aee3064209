"""Pages read in any orientation: word F1 of real receipts turned 0, 90, 180 and 270 degrees, and how long
deciding a page's orientation takes.

  python -m bench.orientation [--receipts 30] [--off]   # --off: without deciding the orientation (as before)

The first N sroie-dev receipts (../shared/corpora) are turned each way (JPEG re-encoded at quality 95, as a
phone or a feeder would deliver them) and read by the worker's own reading (services/worker/pipeline.py) with
the default engine; word F1 is against the corpus's ground-truth lines (tests/support/real_corpora.py).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

import numpy as np
from PIL import Image

from services.worker.documents import Limits
from services.worker.engine.orientation import page_turn
from services.worker.engine.rapidocr_engine import configured_engine, configured_engine_name
from services.worker.pipeline import read_document
from services.worker.settings import WorkerSettings
from tests.support import real_corpora

TURNS = {0: None, 90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def turned(data: bytes, turn: int) -> bytes:
    """The receipt turned `turn` degrees clockwise (PIL's ROTATE_270 turns 90° clockwise)."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    method = TURNS[turn]
    out = io.BytesIO()
    (image if method is None else image.transpose(method)).save(out, "JPEG", quality=95)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receipts", type=int, default=30)
    parser.add_argument("--off", action="store_true", help="read without deciding the orientation")
    args = parser.parse_args()
    settings = WorkerSettings()
    engine = configured_engine(settings, 1)
    limits = Limits(orient_pages=not args.off)
    docs = [d for d in real_corpora.load("sroie-dev") if d.lines][: args.receipts]
    state = "off" if args.off else "on"
    print(f"{len(docs)} sroie-dev receipts, engine {configured_engine_name(settings)}, orientation {state}")
    print(f"{'turned':>7}{'word F1':>9}{'right way up':>14}{'s/page':>8}{'orientation ms':>16}")
    for turn in TURNS:
        f1s, decided, seconds, deciding = [], 0, [], []
        for doc in docs:
            data = turned(doc.data, turn)
            image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
            started = time.perf_counter()
            found = page_turn(image)
            deciding.append(time.perf_counter() - started)
            decided += found == turn
            started = time.perf_counter()
            pages = read_document(data, engine, limits).pages
            seconds.append(time.perf_counter() - started)
            f1s.append(real_corpora.word_f1(doc.lines, [line.text for page in pages for line in page.lines]))
        print(
            f"{turn:>6}°{statistics.mean(f1s):>9.3f}{decided:>9} of {len(docs):<3}"
            f"{statistics.median(seconds):>8.2f}{1000 * statistics.median(deciding):>16.1f}"
        )


if __name__ == "__main__":
    main()
