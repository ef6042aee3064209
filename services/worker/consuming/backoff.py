"""Waiting out an unreachable backend (the batch service, NATS) without failing the job in hand."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# Waits between tries while a backend is unreachable: quick at first, then about once a minute.
BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


class Unreachable(Exception):
    """The batch service or NATS did not answer: not the file's fault, so the job is kept and tried again."""


class Released(Exception):
    """The worker is stopping while waiting for a backend: the job goes back to the queue."""


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Waits `seconds`, or less when the worker is asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def until_reachable(what: str, attempt: Callable[[], Awaitable[T]], stop: asyncio.Event) -> T:
    """attempt() until it gets through (it raises Unreachable while it does not). While a backend is unreachable
    the job stays with this worker (its heartbeat goes on), so an outage never uses up the file's attempts; a
    stopping worker gives the job back instead (Released)."""
    for tries in itertools.count():
        try:
            return await attempt()
        except Unreachable as exc:
            wait = BACKOFF_S[min(tries, len(BACKOFF_S) - 1)]
            log.warning("%s: %s; trying again in %.2gs", what, exc, wait)
            await pause(stop, wait)
            if stop.is_set():
                raise Released from exc
    raise AssertionError("unreachable")
