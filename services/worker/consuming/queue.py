"""Which job a worker takes next: the oldest of the highest priority that has one waiting; an idle worker wakes
as soon as a job is published, and looks now and then for redelivered ones."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable

import nats.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from services.common.jetstream import JOBS_STREAM, JOBS_SUBJECT_PREFIX, workers_consumer
from services.common.priorities import PRIORITIES

# An idle worker wakes when a job is published; it also looks every IDLE_WAIT_S for redelivered jobs (those
# of a worker that died, or given back), fetching each priority for REDELIVERY_FETCH_S.
IDLE_WAIT_S = 1.0
REDELIVERY_FETCH_S = 0.05

Subscriptions = dict[str, JetStreamContext.PullSubscription]


class JobQueue:
    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self._nc = nc
        self._js = js
        self.idle = asyncio.Event()  # set while waiting for a job to be published

    async def subscribe(self) -> Subscriptions:
        """Pull subscriptions to the workers' consumer of each priority, highest first."""
        return {p: await self._js.pull_subscribe_bind(workers_consumer(p), stream=JOBS_STREAM) for p in PRIORITIES}

    async def next_job(self, subs: Subscriptions, stop: asyncio.Event) -> Msg | None:
        """The oldest job of the highest priority that has one waiting; when none does, waits until a job is
        published and takes the highest waiting then. None after IDLE_WAIT_S without one, or when stopping."""
        msg = await self._take_waiting(subs)
        if msg is not None:
            return msg
        # Idle. Listening to the job subjects before looking again: a job published after that look wakes
        # this worker at once, whatever its priority (each priority's fetch in turn made the first job of a
        # batch wait up to 0.3 s a priority before it).
        published = await self._nc.subscribe(f"{JOBS_SUBJECT_PREFIX}.*", max_msgs=1)
        try:
            await self._nc.flush()  # the server has the interest before the look
            msg = await self._take_waiting(subs)
            if msg is not None:
                return msg
            # Redelivered jobs (unacked, or given back) are not counted as waiting: a short fetch on each
            # priority picks them up.
            for sub in subs.values():
                try:
                    return (await sub.fetch(1, timeout=REDELIVERY_FETCH_S))[0]
                except TimeoutError:  # nats-py raises both its own TimeoutError and asyncio's: no job
                    continue
            self.idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first_of(published.next_msg(timeout=None), stop.wait()), IDLE_WAIT_S)
            self.idle.clear()
            return None if stop.is_set() else await self._take_waiting(subs)
        finally:
            self.idle.clear()
            with contextlib.suppress(nats.errors.Error):
                await published.unsubscribe()

    async def _take_waiting(self, subs: Subscriptions) -> Msg | None:
        """The oldest new job of the highest priority that has one. The priorities are asked at once: one
        round trip to NATS before the fetch instead of one per priority."""
        infos = await asyncio.gather(*(self._js.consumer_info(JOBS_STREAM, workers_consumer(p)) for p in subs))
        for sub, info in zip(subs.values(), infos, strict=True):
            if info.num_pending:
                try:
                    return (await sub.fetch(1, timeout=1.0))[0]
                except TimeoutError:  # another worker took it first
                    return None
        return None


async def _first_of(*waits: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
