"""The parts a worker's job consumer is made of, each on its own: waiting out an unreachable backend, and the
heartbeat that keeps a long job. (The queue, the job's file and the result are tested on real NATS and a real
batch service: tests/integration/worker/test_job_consumer.py and tests/integration/test_faults.py.)"""

from __future__ import annotations

import asyncio

import pytest

from services.worker.consuming import backoff
from services.worker.consuming.backoff import Released, Unreachable, until_reachable
from services.worker.consuming.heartbeat import Heartbeat

pytestmark = pytest.mark.asyncio


async def test_an_unreachable_backend_is_tried_again_until_it_answers(monkeypatch):
    monkeypatch.setattr(backoff, "BACKOFF_S", (0.01,))
    tries = []

    async def attempt() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise Unreachable("not yet")
        return "the file"

    assert await until_reachable("reading", attempt, asyncio.Event()) == "the file"
    assert len(tries) == 3


async def test_a_stopping_worker_gives_the_job_back_instead_of_waiting():
    stop = asyncio.Event()

    async def attempt() -> str:
        stop.set()  # asked to stop while the backend is away
        raise Unreachable("away")

    with pytest.raises(Released):
        await asyncio.wait_for(until_reachable("reading", attempt, stop), 5)  # not the 0.25 s+ back-off schedule


async def test_a_file_error_is_not_retried():
    async def attempt() -> str:
        raise ValueError("bad file")

    with pytest.raises(ValueError):
        await until_reachable("reading", attempt, asyncio.Event())


class Message:
    """Stands in for a JetStream message: counts the in-progress acks."""

    def __init__(self) -> None:
        self.beats = asyncio.Queue[int]()
        self.count = 0

    async def in_progress(self) -> None:
        self.count += 1
        self.beats.put_nowait(self.count)


async def test_a_heartbeat_tells_jetstream_the_job_is_in_progress_until_it_stops():
    msg = Message()
    heartbeat = Heartbeat(msg, ack_wait_s=0.3)  # a beat every 0.5 s at the least
    assert await asyncio.wait_for(msg.beats.get(), 5) == 1
    assert await asyncio.wait_for(msg.beats.get(), 5) == 2
    await heartbeat.stop()
    stopped_at = msg.count
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(msg.beats.get(), 1.0)
    assert msg.count == stopped_at
