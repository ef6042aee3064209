"""Webhook endpoints of a project, on the Open API and the organization API: register, list, delete,
rotate the secret, the delivery log and manual redelivery."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ocrbatch.v1 import webhooks_pb2
from services.common.convert import iso_or_none
from services.gateway.auth import Principal, authenticate
from services.gateway.organization import mirror

router = APIRouter(prefix="/v1/openapi/webhooks", tags=["webhooks"])
org_router = APIRouter(prefix="/webhooks/{orgId}", tags=["organization webhooks"])
Auth = Annotated[Principal, Depends(authenticate)]


class WebhookBody(BaseModel):
    url: str = Field(max_length=2000)
    events: list[str] = Field(default_factory=list, max_length=10)
    description: str = Field("", max_length=500)


def webhook_json(w: webhooks_pb2.Webhook) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": w.id,
        "projectId": w.project_id,
        "url": w.url,
        "events": list(w.events),
        "description": w.description,
        "disabled": w.disabled,
        "disabledReason": w.disabled_reason or None,
        "createdAt": iso_or_none(w.created_at, w.HasField("created_at")),
    }
    if w.secret:
        out["secret"] = w.secret
    return out


def delivery_json(d: webhooks_pb2.Delivery) -> dict[str, Any]:
    attempts = [
        {"at": iso_or_none(a.at, a.HasField("at")), "statusCode": a.status_code or None, "error": a.error or None}
        for a in d.attempts
    ]
    return {
        "id": d.id,
        "webhookId": d.webhook_id,
        "type": d.event_type,
        "status": d.status,
        "attempts": len(attempts),
        "lastStatusCode": attempts[-1]["statusCode"] if attempts else None,
        "lastError": attempts[-1]["error"] if attempts else None,
        "history": attempts,
        "nextAttemptAt": iso_or_none(d.next_attempt_at, d.HasField("next_attempt_at")),
        "createdAt": iso_or_none(d.created_at, d.HasField("created_at")),
    }


def _ask(request: Request, scope: Any, webhook_id: str) -> webhooks_pb2.WebhookRequest:
    return webhooks_pb2.WebhookRequest(scope=scope, webhook_id=webhook_id)


@router.post("", status_code=201)
async def create_webhook(
    request: Request,
    principal: Auth,
    body: WebhookBody,
    projectId: str | None = None,  # noqa: N803
) -> JSONResponse:
    """Registers an endpoint for batch.uploaded and/or batch.completed; the answer holds its secret, once."""
    created = await request.app.state.backends.webhooks.CreateWebhook(
        webhooks_pb2.CreateWebhookRequest(
            scope=await principal.scope(projectId), url=body.url, events=body.events, description=body.description
        ),
        timeout=30,
    )
    return JSONResponse(webhook_json(created), status_code=201)


@router.get("")
async def list_webhooks(request: Request, principal: Auth, projectId: str | None = None) -> dict[str, Any]:  # noqa: N803
    reply = await request.app.state.backends.webhooks.ListWebhooks(
        webhooks_pb2.ListWebhooksRequest(scope=await principal.scope(projectId)), timeout=30
    )
    return {"data": [webhook_json(w) for w in reply.data]}


@router.delete("/{webhook_id}")
async def delete_webhook(
    request: Request,
    principal: Auth,
    webhook_id: str,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    ask = _ask(request, await principal.scope(projectId), webhook_id)
    deleted = await request.app.state.backends.webhooks.DeleteWebhook(ask, timeout=30)
    return {"id": deleted.id, "deleted": True}


@router.post("/{webhook_id}/rotate-secret")
async def rotate_secret(
    request: Request,
    principal: Auth,
    webhook_id: str,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    """A new secret; deliveries are signed with it from now on."""
    ask = _ask(request, await principal.scope(projectId), webhook_id)
    rotated = await request.app.state.backends.webhooks.RotateSecret(ask, timeout=30)
    return {"id": rotated.id, "secret": rotated.secret}


@router.get("/{webhook_id}/deliveries")
async def list_deliveries(
    request: Request,
    principal: Auth,
    webhook_id: str,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    """The latest 100 deliveries, newest first: attempts, last status, last error, next attempt."""
    ask = _ask(request, await principal.scope(projectId), webhook_id)
    reply = await request.app.state.backends.webhooks.ListDeliveries(ask, timeout=30)
    return {"data": [delivery_json(d) for d in reply.data]}


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", status_code=202)
async def redeliver(
    request: Request,
    principal: Auth,
    webhook_id: str,
    delivery_id: str,
    projectId: str | None = None,  # noqa: N803
) -> JSONResponse:
    """Sends a finished delivery again (same webhook-id, so a receiver can tell)."""
    delivery = await request.app.state.backends.webhooks.Redeliver(
        webhooks_pb2.RedeliverRequest(
            scope=await principal.scope(projectId), webhook_id=webhook_id, delivery_id=delivery_id
        ),
        timeout=30,
    )
    return JSONResponse(delivery_json(delivery), status_code=202)


mirror(router, org_router)  # the organization API: /webhooks/{orgId}/…
