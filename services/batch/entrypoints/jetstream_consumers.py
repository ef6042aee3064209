"""JetStream ways in: worker results, jobs that used up max_deliver (the dead-job advisories), webhook events
and deliveries."""

from __future__ import annotations

import json
import logging

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from ocrbatch.v1 import jobs_pb2
from services.batch.service.results import ResultApplier
from services.batch.service.webhooks import WebhookDispatcher
from services.common.jetstream import JOBS_STREAM

log = logging.getLogger(__name__)


class ResultsHandler:
    def __init__(self, applier: ResultApplier) -> None:
        self._applier = applier

    async def __call__(self, msg: Msg) -> None:
        await self._applier.apply(jobs_pb2.OcrResult.FromString(msg.data))


class DeadJobHandler:
    """A job JetStream gave up on (every delivery crashed or timed out): its record fails, the job is removed."""

    def __init__(self, js: JetStreamContext, applier: ResultApplier) -> None:
        self._js = js
        self._applier = applier

    async def __call__(self, msg: Msg) -> None:
        advisory = json.loads(msg.data)
        seq = int(advisory["stream_seq"])
        deliveries = int(advisory.get("deliveries", 0))
        try:
            raw = await self._js.get_msg(JOBS_STREAM, seq)
        except NotFoundError:
            return  # already removed by an earlier delivery of this advisory
        job = jobs_pb2.OcrJob.FromString(raw.data)
        log.warning("record %s failed: its job was delivered %d times without finishing", job.record_id, deliveries)
        await self._applier.apply(
            jobs_pb2.OcrResult(
                record_id=job.record_id,
                batch_id=job.batch_id,
                generation=job.generation,
                kind=jobs_pb2.RESULT_KIND_FAILED,
                delivery=deliveries,
                error=(
                    f"processing did not finish after {deliveries} attempts (the worker crashed or timed out each time)"
                ),
            )
        )
        try:
            await self._js.delete_msg(JOBS_STREAM, seq)
        except NotFoundError:
            pass


class WebhookEventHandler:
    """A batch event: one delivery for each endpoint of its project that wants it."""

    def __init__(self, dispatcher: WebhookDispatcher) -> None:
        self._dispatcher = dispatcher

    async def __call__(self, msg: Msg) -> None:
        await self._dispatcher.fan_out(json.loads(msg.data))


class WebhookDeliveryHandler:
    """One attempt of a delivery; a failed one comes back after the schedule's wait (nak with a delay)."""

    def __init__(self, dispatcher: WebhookDispatcher) -> None:
        self._dispatcher = dispatcher

    async def __call__(self, msg: Msg) -> float | None:
        return await self._dispatcher.attempt(msg.data.decode())
