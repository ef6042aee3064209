"""A worker's concurrent jobs and its engine: jobs read with it at once, and it is made again (RecyclingEngine) only
while none is reading; no job starts reading until the new one is made."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol


class Renewable(Protocol):
    def renew(self, why: str) -> None: ...


class EngineUse:
    def __init__(self) -> None:
        self._changed = asyncio.Condition()
        self.jobs_reading = 0  # read from the reading threads too (engine/collector.py): an int is read whole
        self._renewing = False

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """While a job reads its document."""
        async with self._changed:
            await self._changed.wait_for(lambda: not self._renewing)
            self.jobs_reading += 1
        try:
            yield
        finally:
            async with self._changed:
                self.jobs_reading -= 1
                self._changed.notify_all()

    async def renew(self, engine: Renewable, why: str) -> None:
        """Makes the engine again, off the event loop, once the jobs reading now are through; a renewal already
        under way does for this one."""
        async with self._changed:
            if self._renewing:
                return
            self._renewing = True
            await self._changed.wait_for(lambda: self.jobs_reading == 0)
        try:
            await asyncio.to_thread(engine.renew, why)
        finally:
            async with self._changed:
                self._renewing = False
                self._changed.notify_all()
