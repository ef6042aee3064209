"""Telling JetStream a job is still being worked on, so a long OCR is not delivered to another worker."""

from __future__ import annotations

import asyncio
import contextlib

import nats.errors
from nats.aio.msg import Msg

MIN_INTERVAL_S = 0.5


class Heartbeat:
    """Started when a job is taken, stopped when its result is through or it is given back."""

    def __init__(self, msg: Msg, ack_wait_s: float) -> None:
        self._interval = max(ack_wait_s / 3, MIN_INTERVAL_S)  # three beats fit in the ack wait: one may be late
        self._task = asyncio.create_task(self._beat(msg))

    async def _beat(self, msg: Msg) -> None:
        while True:
            await asyncio.sleep(self._interval)
            with contextlib.suppress(nats.errors.Error):
                await msg.in_progress()

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
