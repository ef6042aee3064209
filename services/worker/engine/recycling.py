"""An OCR engine that is made again, between jobs, after a number of jobs or when the process's memory
passes a limit: PaddleOCR-family engines (and OpenVINO after large images) are reported to keep memory
they no longer need, so a long-running worker's memory stays bounded. Nothing is lost: the swap happens
only between jobs."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from services.worker.engine.port import OcrEngine, OcrLine

log = logging.getLogger(__name__)
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident memory now (not its peak), in MB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _PAGE / (1024 * 1024)


class RecyclingEngine:
    def __init__(self, make: Callable[[], OcrEngine], *, max_jobs: int, max_rss_mb: float) -> None:
        self._make = make
        self._engine = make()
        self.name = getattr(self._engine, "name", "engine")
        self._max_jobs = max_jobs
        self._max_rss_mb = max_rss_mb
        self._jobs = 0
        self.renewals = 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        return self._engine.recognize(image)

    def __getattr__(self, name: str) -> Any:
        """The rest is the current engine's (its alphabet, its full-alphabet engine), so this one stands for it."""
        if name.startswith("_"):  # never this object's own state, which may be missing during a renewal
            raise AttributeError(name)
        return getattr(self._engine, name)

    def job_done(self) -> None:
        """Called between jobs: makes the engine again when it has read enough or memory is over the limit."""
        why = self.renewal_due()
        if why:
            self.renew(why)

    def renewal_due(self) -> str | None:
        """Counts a finished job; why the engine should be made again now, or None (cheap: a worker asks
        after every job, and makes the engine again off its event loop only when this says so)."""
        self._jobs += 1
        if self._max_jobs and self._jobs >= self._max_jobs:
            return f"{self._jobs} jobs"
        memory = rss_mb()
        if self._max_rss_mb and memory > self._max_rss_mb:
            return f"{memory:.0f} MB resident"
        return None

    def renew(self, why: str) -> None:
        del self._engine
        gc.collect()
        self._engine = self._make()
        self._jobs = 0
        self.renewals += 1
        log.info("OCR engine made again after %s (now %.0f MB resident)", why, rss_mb())
