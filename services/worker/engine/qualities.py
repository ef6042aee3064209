"""A worker's engines, one per reading quality: the default quality's made at start-up, another when a job first
asks for it; each renewed on its own (RecyclingEngine)."""

from __future__ import annotations

from collections.abc import Callable

from services.worker.engine.port import OcrEngine
from services.worker.engine.recycling import RecyclingEngine


class EnginesByQuality:
    def __init__(self, make: Callable[[str], OcrEngine], default: str, *, max_jobs: int, max_rss_mb: float) -> None:
        self._make = make
        self.default = default
        self._limits = {"max_jobs": max_jobs, "max_rss_mb": max_rss_mb}
        self._engines: dict[str, RecyclingEngine] = {}
        self.engine(default)

    def engine(self, quality: str = "") -> RecyclingEngine:
        """The engine of a quality ("" for the default one), made on first need."""
        quality = quality or self.default
        if quality not in self._engines:
            self._engines[quality] = RecyclingEngine(lambda: self._make(quality), **self._limits)
        return self._engines[quality]

    def made(self, quality: str = "") -> RecyclingEngine | None:
        """The engine of a quality if one was made."""
        return self._engines.get(quality or self.default)
