"""Connecting to NATS with retries, so a service can start before its dependencies are up."""

from __future__ import annotations

import asyncio
import logging
import time

import nats
import nats.errors
from nats.aio.client import Client as NatsClient

log = logging.getLogger(__name__)


async def connect_nats(url: str, name: str, *, timeout_s: float = 60.0) -> NatsClient:
    deadline = time.monotonic() + timeout_s

    async def disconnected() -> None:
        log.warning("disconnected from NATS, reconnecting")

    while True:
        try:
            return await nats.connect(
                url,
                name=name,
                connect_timeout=2,
                max_reconnect_attempts=-1,
                reconnect_time_wait=1,
                disconnected_cb=disconnected,
            )
        except (nats.errors.NoServersError, OSError, TimeoutError) as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"could not reach NATS at {url}: {exc}") from exc
            log.info("waiting for NATS at %s: %s", url, exc)
            await asyncio.sleep(1.0)
