"""Pages of concurrent jobs read in shared batches: each job's reading thread asks for one page at a time, as from
any engine; the collector holds a page until the batch is full, or every job reading has a page waiting, or a few
milliseconds have passed, and reads the gathered pages with one batched call (engine/batched.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from services.worker.engine.port import Box, OcrLine

# How long a page waits for others to share its batch. A data-centre GPU reads a batched page in about 7.5 ms (the
# issue's measurement), so a few milliseconds cost little and let the pages of concurrent jobs meet; a page is never
# held when every job reading already has one waiting.
MAX_WAIT_S = 0.005
# While gathering, the count of jobs reading is looked at again this often: a job that ends its reading without a
# page to give lets the batch go at once rather than after MAX_WAIT_S.
RECOUNT_S = 0.001


class PageBatchEngine(Protocol):
    name: str

    def recognize_pages(self, images: list[np.ndarray]) -> list[list[OcrLine]]: ...

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]]: ...


@dataclass
class _Request:
    image: np.ndarray
    taken: bool = False  # in a batch being read
    done: threading.Event = field(default_factory=threading.Event)
    lines: list[OcrLine] = field(default_factory=list)
    error: BaseException | None = None


class PageCollector:
    """An OcrEngine (recognize, read_lines) over a page-batching engine, shared by the reading threads of a worker's
    concurrent jobs. `readers()`: how many jobs are reading now (the consumer's count); a batch is read as soon as
    that many pages wait. Whichever waiting thread finds no batch being gathered gathers the next and reads it."""

    def __init__(
        self,
        engine: PageBatchEngine,
        *,
        max_pages: int,
        readers: Callable[[], int] = lambda: 1,
        max_wait_s: float | None = None,
    ) -> None:
        """`max_wait_s`: MAX_WAIT_S when None."""
        self.engine = engine
        self.name = engine.name
        self.alphabet = getattr(engine, "alphabet", "")
        self.max_pages = max(1, max_pages)
        self._readers = readers
        self._max_wait_s = MAX_WAIT_S if max_wait_s is None else max_wait_s
        self._changed = threading.Condition()
        self._waiting: list[_Request] = []
        self._gathering = False
        self.batches: list[int] = []  # the size of each batch read (tests, benchmarks)

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        request = _Request(image)
        with self._changed:
            self._waiting.append(request)
            self._changed.notify_all()
        while not request.taken:
            batch = self._gather()
            if batch:
                self._read(batch)
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.lines

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[tuple[str, float]]:
        return self.engine.read_lines(image, boxes)

    def _full(self) -> bool:
        return len(self._waiting) >= min(self.max_pages, max(1, self._readers()))

    def _gather(self) -> list[_Request]:
        """The next batch, when this thread is the one to gather it; [] when another thread is gathering (this one
        waits until that batch is taken, then looks again)."""
        with self._changed:
            if self._gathering:
                self._changed.wait()
                return []
            if not self._waiting:
                return []
            self._gathering = True
            try:
                deadline = time.monotonic() + self._max_wait_s
                while not self._full() and (left := deadline - time.monotonic()) > 0:
                    self._changed.wait(min(left, RECOUNT_S))
                batch, self._waiting = self._waiting[: self.max_pages], self._waiting[self.max_pages :]
                for request in batch:
                    request.taken = True
                return batch
            finally:
                self._gathering = False
                self._changed.notify_all()

    def _read(self, batch: list[_Request]) -> None:
        try:
            pages = self.engine.recognize_pages([request.image for request in batch])
            for request, lines in zip(batch, pages, strict=True):
                request.lines = lines
        except Exception as exc:  # every page of the batch fails as the batch did, in its own job
            for request in batch:
                request.error = exc
        finally:
            self.batches.append(len(batch))
            for request in batch:
                request.done.set()
