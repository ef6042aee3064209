"""JetStream adapter: publishes one job per file, progress events, and webhook events and deliveries."""

from __future__ import annotations

import json
from typing import Any

import nats.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from ocrbatch.v1 import jobs_pb2
from services.batch.ports import PublishFailed
from services.common.jetstream import (
    WEBHOOK_DELIVERIES_SUBJECT,
    WEBHOOK_EVENTS_SUBJECT,
    job_subject,
    progress_subject,
)
from services.common.telemetry import inject_headers


def job_message_id(record_id: str, generation: int) -> str:
    """The JetStream dedup id: the record id for a first run, so a repeated publish is dropped."""
    return record_id if generation <= 1 else f"{record_id}.{generation}"


class JetStreamJobs:
    def __init__(self, nc: NatsClient, js: JetStreamContext) -> None:
        self._nc = nc
        self._js = js

    async def publish_job(self, job: jobs_pb2.OcrJob) -> None:
        headers = inject_headers({"Nats-Msg-Id": job_message_id(job.record_id, job.generation)})
        try:
            await self._js.publish(job_subject(job.priority), job.SerializeToString(), headers=headers)
        except (TimeoutError, nats.errors.Error, OSError) as exc:
            raise PublishFailed(f"JetStream did not take the job for record {job.record_id}: {exc!r}") from exc

    async def publish_progress(self, batch_id: str, event: dict[str, Any]) -> None:
        await self._nc.publish(progress_subject(batch_id), json.dumps(event).encode())

    async def publish_event(self, event_id: str, event: dict[str, Any]) -> None:
        body = json.dumps(event, separators=(",", ":")).encode()
        try:
            await self._js.publish(WEBHOOK_EVENTS_SUBJECT, body, headers={"Nats-Msg-Id": event_id})
        except (TimeoutError, nats.errors.Error, OSError) as exc:
            raise PublishFailed(f"JetStream did not take webhook event {event_id}: {exc!r}") from exc

    async def publish_delivery(self, delivery_id: str, message_id: str) -> None:
        try:
            await self._js.publish(
                WEBHOOK_DELIVERIES_SUBJECT, delivery_id.encode(), headers={"Nats-Msg-Id": message_id}
            )
        except (TimeoutError, nats.errors.Error, OSError) as exc:
            raise PublishFailed(f"JetStream did not take webhook delivery {delivery_id}: {exc!r}") from exc
