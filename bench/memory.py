"""A worker's memory over many pages: small rendered pages of varying size through the OCR engine as a
worker runs it (made again between jobs by the recycling limits), printing resident memory as it goes.

Usage: python -m bench.memory [--pages 10000] [--engine openvino|onnxruntime] [--model small|tiny]
       [--alphabet latin|full] [--max-jobs 2000] [--max-rss-mb 1500]
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
from PIL import Image, ImageDraw

from services.worker.engine.rapidocr_engine import create_engine
from services.worker.engine.recycling import RecyclingEngine, rss_mb
from services.worker.settings import WorkerSettings
from tests.support.documents import font


def page(rng: random.Random) -> np.ndarray:
    # mostly small pages (a long run in reasonable time), with a large one now and then: large inputs are
    # what engines are reported to keep memory after
    width, height = rng.choices([(400, 120), (800, 300), (1200, 600), (1600, 900)], weights=[50, 35, 10, 5])[0]
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for y in range(10, height - 40, 45):
        draw.text(
            (15, y),
            f"Invoice No: {rng.randint(10000, 99999)}  Total: {rng.randint(1, 999)}.00",
            fill="black",
            font=font(28),
        )
    return np.asarray(image)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--engine", default=WorkerSettings().ocr_engine)
    parser.add_argument("--model", default=WorkerSettings().ocr_model)
    parser.add_argument("--alphabet", default=WorkerSettings().ocr_alphabet)
    parser.add_argument("--max-jobs", type=int, default=2000)
    parser.add_argument("--max-rss-mb", type=float, default=1500)
    parser.add_argument("--every", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(7)
    engine = RecyclingEngine(
        lambda: create_engine(args.engine, 1, model=args.model, alphabet=args.alphabet),
        max_jobs=args.max_jobs,
        max_rss_mb=args.max_rss_mb,
    )
    started, peak = time.perf_counter(), rss_mb()
    print(f"{'pages':>7}{'RSS MB':>9}{'peak MB':>9}{'renewals':>10}{'s':>8}")
    for n in range(1, args.pages + 1):
        engine.recognize(page(rng))
        engine.job_done()
        peak = max(peak, rss_mb())
        if n % args.every == 0 or n == args.pages:
            print(
                f"{n:>7}{rss_mb():>9.0f}{peak:>9.0f}{engine.renewals:>10}{time.perf_counter() - started:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
