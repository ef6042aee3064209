"""A JetStream pull-consumer loop with tracing: fetch, handle, ack; nak with a delay when handling fails."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import nats.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry import trace

from services.common.telemetry import extract_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


def supervise(task: asyncio.Task[None], stop: asyncio.Event) -> asyncio.Task[None]:
    """A background loop that dies takes the service down with it (and a logged reason), never silently."""

    def done(t: asyncio.Task[None]) -> None:
        if not t.cancelled() and t.exception() is not None:
            log.error("%s failed, stopping the service", t.get_name(), exc_info=t.exception())
            stop.set()

    task.add_done_callback(done)
    return task


async def consume(
    js: JetStreamContext,
    stream: str,
    durable: str,
    handle: Callable[[Msg], Awaitable[float | None]],
    stop: asyncio.Event,
    *,
    batch: int = 20,
    span_name: str,
) -> None:
    sub = await js.pull_subscribe_bind(durable, stream=stream)
    try:
        await _consume_until_stopped(sub, stream, handle, stop, batch, span_name)
    finally:
        await sub.unsubscribe()  # a pull subscription left open makes nc.drain() wait for its full timeout


async def _consume_until_stopped(
    sub: JetStreamContext.PullSubscription,
    stream: str,
    handle: Callable[[Msg], Awaitable[float | None]],
    stop: asyncio.Event,
    batch: int,
    span_name: str,
) -> None:
    while not stop.is_set():
        try:
            msgs = await sub.fetch(batch, timeout=1.0)
        except TimeoutError:  # nats-py raises both its own TimeoutError and asyncio's: nothing to fetch
            continue
        except (nats.errors.ConnectionClosedError, nats.errors.DrainTimeoutError):
            return
        except nats.errors.Error as exc:  # NATS is away; the client reconnects by itself
            log.warning("cannot fetch from %s, trying again: %r", stream, exc)
            await _pause(stop, 1.0)
            continue
        for msg in msgs:
            with tracer.start_as_current_span(
                span_name, context=extract_context(msg.headers), kind=trace.SpanKind.CONSUMER
            ):
                try:
                    again_in = await handle(msg)
                except Exception:  # keep consuming; JetStream redelivers this message after the delay
                    log.exception("handling a message from %s failed; it will be redelivered", stream)
                    await _settle(msg.nak(delay=2.0))
                    continue
            if again_in is not None:  # the handler asks for this message again later (a webhook retry)
                await _settle(msg.nak(delay=again_in))
                continue
            await _settle(msg.ack())


async def _settle(reply: Awaitable[None]) -> None:
    """An ack or nak that does not reach NATS only means a redelivery, which every handler here absorbs."""
    try:
        await reply
    except (nats.errors.Error, TimeoutError) as exc:
        log.warning("an ack did not reach NATS (%r): the message will be delivered again", exc)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
