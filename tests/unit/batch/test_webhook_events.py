"""Webhook events are never dropped when NATS is away: kept, then published by the re-queue loop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.batch.domain.model import Batch
from services.batch.domain.rules import BatchStatus
from services.batch.domain.webhooks import EventType
from services.batch.ports import PublishFailed
from services.batch.service.webhooks import WebhookEvents


class Bus:
    def __init__(self) -> None:
        self.down = False
        self.events: dict[str, dict[str, Any]] = {}

    async def publish_event(self, event_id: str, event: dict[str, Any]) -> None:
        if self.down:
            raise PublishFailed("NATS is down (fake)")
        self.events[event_id] = event

    async def publish_delivery(self, delivery_id: str, message_id: str) -> None:
        raise AssertionError("not used here")


class Outbox:
    """The three outbox methods of the Webhooks port, in memory."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, Any]] = {}

    async def keep_unsent(self, event_id: str, event: dict[str, Any]) -> None:
        self.kept.setdefault(event_id, event)

    async def unsent(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return list(self.kept.items())[:limit]

    async def sent(self, event_id: str) -> None:
        self.kept.pop(event_id, None)


def batch(status: BatchStatus) -> Batch:
    at = datetime.now(UTC)
    return Batch(id="b" * 24, name="n", organization_id="o", project_id="p", total_files=1, created_at=at,
                 updated_at=at, status=status, completed_files=1, version=3)  # fmt: skip


async def test_an_event_nats_did_not_take_is_published_later_once():
    bus, outbox = Bus(), Outbox()
    events = WebhookEvents(bus, outbox, lambda b: {"id": b.id, "status": b.status.value})  # type: ignore[arg-type]
    bus.down = True
    await events.emit(batch(BatchStatus.PROCESSING), EventType.BATCH_UPLOADED)
    assert bus.events == {} and len(outbox.kept) == 1
    assert await events.republish_unsent() == 0  # still down: kept
    bus.down = False
    assert await events.republish_unsent() == 1
    assert outbox.kept == {}
    (event,) = bus.events.values()
    assert event["payload"]["type"] == "batch.uploaded" and event["payload"]["data"]["id"] == "b" * 24
    assert event["projectId"] == "p"


async def test_batch_completed_only_when_a_change_makes_the_batch_final():
    bus = Bus()
    events = WebhookEvents(bus, Outbox(), lambda b: {"status": b.status.value})  # type: ignore[arg-type]
    await events.batch_changed(BatchStatus.PROCESSING, batch(BatchStatus.PROCESSING))
    await events.batch_changed(BatchStatus.COMPLETED, batch(BatchStatus.COMPLETED))  # was final already
    assert bus.events == {}
    await events.batch_changed(BatchStatus.PROCESSING, batch(BatchStatus.PARTIALLY_FAILED))
    assert [e["payload"]["type"] for e in bus.events.values()] == ["batch.completed"]
