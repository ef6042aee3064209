"""Use cases of webhooks: a project's endpoints (register, list, delete, rotate the secret, the delivery log,
redeliver); batch events fanned out to the endpoints that want them; each delivery sent, signed, and retried
on the schedule until it succeeds, the endpoint answers 410 (it is disabled), or the schedule is done."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.batch.domain.model import Batch, Scope
from services.batch.domain.rules import BatchStatus, became_final
from services.batch.domain.webhooks import (
    Attempt,
    Delivery,
    DeliveryStatus,
    Endpoint,
    EventType,
    new_secret,
    next_wait,
    signature,
)
from services.batch.errors import InvalidArgument, NotFound
from services.batch.ports import EventBus, PublishFailed, Webhooks, WebhookSender
from services.common import metrics

log = logging.getLogger(__name__)
EVENT_TYPES = [e.value for e in EventType]
MAX_ENDPOINTS_PER_PROJECT = 20


@dataclass
class WebhookAdmin:
    webhooks: Webhooks
    sender: WebhookSender
    bus: EventBus

    async def create(self, scope: Scope, url: str, events: list[str], description: str) -> Endpoint:
        url = url.strip()
        if len(url) > 2000:
            raise InvalidArgument("url is at most 2000 characters")
        if why := await self.sender.refused(url):
            raise InvalidArgument(f"url: {why}")
        events = events or EVENT_TYPES
        unknown = [e for e in events if e not in EVENT_TYPES]
        if unknown:
            raise InvalidArgument(f"events must be among {', '.join(EVENT_TYPES)}; unknown: {', '.join(unknown)}")
        if len(await self.webhooks.list(scope)) >= MAX_ENDPOINTS_PER_PROJECT:
            raise InvalidArgument(f"a project has at most {MAX_ENDPOINTS_PER_PROJECT} webhooks")
        endpoint = Endpoint(
            id=self.webhooks.new_id(),
            organization_id=scope.organization_id,
            project_id=scope.project_id,
            url=url,
            events=sorted(set(events)),
            secret=new_secret(),
            description=description.strip()[:500],
            created_at=datetime.now(UTC),
        )
        await self.webhooks.add(endpoint)
        return endpoint

    async def get(self, scope: Scope, endpoint_id: str) -> Endpoint:
        endpoint = await self.webhooks.get(scope, endpoint_id)
        if endpoint is None:
            raise NotFound(f"webhook {endpoint_id} not found")
        return endpoint

    async def list(self, scope: Scope) -> list[Endpoint]:
        return await self.webhooks.list(scope)

    async def delete(self, scope: Scope, endpoint_id: str) -> Endpoint:
        endpoint = await self.webhooks.delete(scope, endpoint_id, datetime.now(UTC))
        if endpoint is None:
            raise NotFound(f"webhook {endpoint_id} not found")
        return endpoint

    async def rotate_secret(self, scope: Scope, endpoint_id: str) -> Endpoint:
        endpoint = await self.webhooks.set_secret(scope, endpoint_id, new_secret())
        if endpoint is None:
            raise NotFound(f"webhook {endpoint_id} not found")
        return endpoint

    async def deliveries(self, scope: Scope, endpoint_id: str) -> list[Delivery]:
        await self.get(scope, endpoint_id)
        return await self.webhooks.list_deliveries(endpoint_id, 100)

    async def redeliver(self, scope: Scope, endpoint_id: str, delivery_id: str) -> Delivery:
        await self.get(scope, endpoint_id)
        delivery = await self.webhooks.get_delivery(delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise NotFound(f"delivery {delivery_id} not found")
        if delivery.status == DeliveryStatus.PENDING:
            raise InvalidArgument("the delivery is still pending: it is being tried")
        reopened = await self.webhooks.reopen(delivery_id) or delivery
        await self.bus.publish_delivery(delivery_id, f"{delivery_id}.again.{time.time_ns()}")
        return reopened


DOCUMENT_FINAL = "document.final"  # a single-document extraction's own webhook (no endpoint subscribes to it)


class WebhookEvents:
    """Announces batch events: published to a durable queue, fanned out to the endpoints later."""

    def __init__(
        self,
        bus: EventBus,
        webhooks: Webhooks,
        render: Callable[[Batch], dict[str, Any]],
        document: Callable[[str], Awaitable[dict[str, Any] | None]] | None = None,
    ) -> None:
        self._bus = bus
        self._webhooks = webhooks  # keeps what the queue did not take, for republish_unsent()
        self._render = render  # the batch as GET batch shows it
        self._document = document  # a record as GET /v0/documents/{id} shows it

    async def emit(self, batch: Batch, event_type: EventType) -> None:
        event_id = f"{batch.id}.{event_type.value}.{batch.version}"
        payload = {
            "type": event_type.value,
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "data": self._render(batch),
        }
        event = {"id": event_id, "organizationId": batch.organization_id, "projectId": batch.project_id}
        event |= {"payload": payload}
        await self._publish(event_id, event)

    async def emit_document(self, batch: Batch) -> None:
        """The single-document extraction's own webhook: its document as GET /v0/documents/{id} shows it, with
        the payload the client gave, to the URL it gave, signed with the secret its declaration answered."""
        hook = batch.document_webhook
        if not hook or self._document is None:
            return
        document = await self._document(hook["extractionId"])
        if document is None:
            return
        event_id = f"{batch.id}.{DOCUMENT_FINAL}.{batch.version}"
        event = {"id": event_id, "organizationId": batch.organization_id, "projectId": batch.project_id}
        event |= {"payload": {**document, "payload": hook.get("payload")}}
        event |= {"target": {"url": hook["url"], "secret": hook["secret"]}}
        await self._publish(event_id, event)

    async def _publish(self, event_id: str, event: dict[str, Any]) -> None:
        try:
            await self._bus.publish_event(event_id, event)
        except PublishFailed as exc:
            log.warning("webhook event %s kept to publish later: %s", event_id, exc)
            await self._webhooks.keep_unsent(event_id, event)

    async def republish_unsent(self, limit: int = 500) -> int:
        """Publishes the events NATS did not take when they happened (the queue drops repeats by id)."""
        published = 0
        for event_id, event in await self._webhooks.unsent(limit):
            try:
                await self._bus.publish_event(event_id, event)
            except PublishFailed:
                break
            await self._webhooks.sent(event_id)
            published += 1
        return published

    async def batch_changed(self, before: BatchStatus | None, batch: Batch | None) -> None:
        """batch.completed when a change made the batch final."""
        if batch is not None and became_final(before, batch.status):
            await self.emit(batch, EventType.BATCH_COMPLETED)
            await self.emit_document(batch)


@dataclass
class WebhookDispatcher:
    webhooks: Webhooks
    sender: WebhookSender
    bus: EventBus
    schedule: tuple[float, ...]

    async def fan_out(self, event: dict[str, Any]) -> None:
        """One delivery per endpoint of the project that wants the event (idempotent: ids are derived)."""
        scope = Scope(event["organizationId"], event["projectId"])
        payload = event["payload"]
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        if target := event.get("target"):  # one delivery, to the event's own URL
            delivery_id = f"msg_{event['id'].replace('.', '_')}"
            delivery = Delivery(
                delivery_id, "", DOCUMENT_FINAL, body, datetime.now(UTC), url=target["url"], secret=target["secret"]
            )
            await self.webhooks.add_delivery(delivery)
            await self.bus.publish_delivery(delivery_id, delivery_id)
            return
        for endpoint in await self.webhooks.list(scope):
            if not endpoint.wants(payload["type"]):
                continue
            delivery_id = f"msg_{event['id'].replace('.', '_')}_{endpoint.id}"
            delivery = Delivery(delivery_id, endpoint.id, payload["type"], body, datetime.now(UTC))
            await self.webhooks.add_delivery(delivery)
            await self.bus.publish_delivery(delivery_id, delivery_id)

    async def attempt(self, delivery_id: str) -> float | None:
        """Sends a delivery once; the seconds to wait before trying again, or None when it is settled."""
        delivery = await self.webhooks.get_delivery(delivery_id)
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return None
        now = datetime.now(UTC)
        endpoint = None
        if delivery.url:  # a target of its own
            url, secret = delivery.url, delivery.secret
        else:
            endpoint = await self.webhooks.get(None, delivery.endpoint_id)
            if endpoint is None or endpoint.disabled:
                reason = "the endpoint was deleted" if endpoint is None else "the endpoint is disabled"
                await self.webhooks.record_attempt(delivery_id, Attempt(now, 0, reason), DeliveryStatus.CANCELLED, None)
                return None
            url, secret = endpoint.url, endpoint.secret
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "user-agent": "ocrbatch-webhooks",
            "webhook-id": delivery.id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(secret, delivery.id, timestamp, delivery.body),
        }
        result = await self.sender.send(url, headers, delivery.body)
        attempt = Attempt(now, result.status_code, result.error)
        if 200 <= result.status_code < 300:
            await self.webhooks.record_attempt(delivery_id, attempt, DeliveryStatus.SUCCEEDED, None)
            metrics.WEBHOOK_DELIVERIES.labels("succeeded").inc()
            return None
        metrics.WEBHOOK_DELIVERIES.labels("gone" if result.status_code == 410 else "failed").inc()
        if result.status_code == 410:
            if endpoint is not None:
                await self.webhooks.disable(endpoint.id, "the endpoint answered 410 Gone")
                log.warning("webhook %s answered 410 Gone: disabled", endpoint.id)
            await self.webhooks.record_attempt(delivery_id, attempt, DeliveryStatus.CANCELLED, None)
            return None
        wait = next_wait(len(delivery.attempts) + 1, self.schedule, result.retry_after)
        if wait is None:
            await self.webhooks.record_attempt(delivery_id, attempt, DeliveryStatus.FAILED, None)
            return None
        next_at = now + timedelta(seconds=wait)
        await self.webhooks.record_attempt(delivery_id, attempt, DeliveryStatus.PENDING, next_at)
        return wait
