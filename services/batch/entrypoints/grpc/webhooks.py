"""WebhookService: a project's webhook endpoints and their delivery log."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import webhooks_pb2, webhooks_pb2_grpc
from services.batch.domain.webhooks import Delivery, Endpoint
from services.batch.entrypoints.grpc.errors import mapped_errors, scope_of
from services.batch.entrypoints.grpc.messages import stamp as _stamp
from services.batch.service.webhooks import WebhookAdmin


def webhook_message(e: Endpoint, *, with_secret: bool = False) -> webhooks_pb2.Webhook:
    return webhooks_pb2.Webhook(
        id=e.id,
        organization_id=e.organization_id,
        project_id=e.project_id,
        url=e.url,
        events=e.events,
        description=e.description,
        secret=e.secret if with_secret else "",
        disabled=e.disabled,
        disabled_reason=e.disabled_reason,
        created_at=_stamp(e.created_at),
    )


def delivery_message(d: Delivery) -> webhooks_pb2.Delivery:
    return webhooks_pb2.Delivery(
        id=d.id,
        webhook_id=d.endpoint_id,
        event_type=d.event_type,
        status=d.status.value,
        attempts=[
            webhooks_pb2.DeliveryAttempt(at=_stamp(a.at), status_code=a.status_code, error=a.error) for a in d.attempts
        ],
        next_attempt_at=_stamp(d.next_attempt_at),
        created_at=_stamp(d.created_at),
    )


class WebhookServicer(webhooks_pb2_grpc.WebhookServiceServicer):
    def __init__(self, admin: WebhookAdmin) -> None:
        self._admin = admin

    @mapped_errors
    async def CreateWebhook(self, request: webhooks_pb2.CreateWebhookRequest, context: Any) -> Any:
        scope = scope_of(request.scope)
        endpoint = await self._admin.create(scope, request.url, list(request.events), request.description)
        return webhook_message(endpoint, with_secret=True)

    @mapped_errors
    async def ListWebhooks(self, request: webhooks_pb2.ListWebhooksRequest, context: Any) -> Any:
        found = await self._admin.list(scope_of(request.scope))
        return webhooks_pb2.ListWebhooksResponse(data=[webhook_message(e) for e in found])

    @mapped_errors
    async def DeleteWebhook(self, request: webhooks_pb2.WebhookRequest, context: Any) -> Any:
        return webhook_message(await self._admin.delete(scope_of(request.scope), request.webhook_id))

    @mapped_errors
    async def RotateSecret(self, request: webhooks_pb2.WebhookRequest, context: Any) -> Any:
        endpoint = await self._admin.rotate_secret(scope_of(request.scope), request.webhook_id)
        return webhook_message(endpoint, with_secret=True)

    @mapped_errors
    async def ListDeliveries(self, request: webhooks_pb2.WebhookRequest, context: Any) -> Any:
        found = await self._admin.deliveries(scope_of(request.scope), request.webhook_id)
        return webhooks_pb2.ListDeliveriesResponse(data=[delivery_message(d) for d in found])

    @mapped_errors
    async def Redeliver(self, request: webhooks_pb2.RedeliverRequest, context: Any) -> Any:
        scope = scope_of(request.scope)
        return delivery_message(await self._admin.redeliver(scope, request.webhook_id, request.delivery_id))
