"""Webhook endpoints (collection webhooks) and their delivery log (collection webhook_deliveries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import Document, oid, scoped
from services.batch.domain.model import Scope
from services.batch.domain.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint


def _endpoint_doc(e: Endpoint) -> Document:
    return {
        "_id": ObjectId(e.id),
        "organizationId": e.organization_id,
        "projectId": e.project_id,
        "url": e.url,
        "events": e.events,
        "secret": e.secret,  # needed to sign: the one secret kept as it is (as every webhook sender does)
        "description": e.description,
        "disabled": e.disabled,
        "disabledReason": e.disabled_reason,
        "deletedAt": e.deleted_at,
        "createdAt": e.created_at,
    }


def _endpoint_of(doc: Document) -> Endpoint:
    return Endpoint(
        id=str(doc["_id"]),
        organization_id=doc["organizationId"],
        project_id=doc["projectId"],
        url=doc["url"],
        events=list(doc.get("events") or []),
        secret=doc.get("secret", ""),
        description=doc.get("description", ""),
        disabled=bool(doc.get("disabled")),
        disabled_reason=doc.get("disabledReason", ""),
        deleted_at=doc.get("deletedAt"),
        created_at=doc["createdAt"],
    )


def _attempt_doc(a: Attempt) -> Document:
    return {"at": a.at, "statusCode": a.status_code, "error": a.error}


def _delivery_of(doc: Document) -> Delivery:
    return Delivery(
        id=doc["_id"],
        endpoint_id=doc["endpointId"],
        event_type=doc["eventType"],
        body=doc["body"],
        status=DeliveryStatus(doc["status"]),
        attempts=[Attempt(a["at"], a["statusCode"], a.get("error", "")) for a in doc.get("attempts", [])],
        next_attempt_at=doc.get("nextAttemptAt"),
        created_at=doc["createdAt"],
        url=doc.get("url") or "",
        secret=doc.get("secret") or "",
    )


class MongoWebhooks:
    def __init__(self, database: Database) -> None:
        self._endpoints = database.db["webhooks"]
        self._deliveries = database.db["webhook_deliveries"]
        self._outbox = database.db["webhook_outbox"]

    def new_id(self) -> str:
        return str(ObjectId())

    async def add(self, endpoint: Endpoint) -> None:
        await self._endpoints.insert_one(_endpoint_doc(endpoint))

    async def get(self, scope: Scope | None, endpoint_id: str) -> Endpoint | None:
        key = oid(endpoint_id)
        if key is None:
            return None
        query: Document = {"_id": key, "deletedAt": None} | (scoped(scope) if scope else {})
        doc = await self._endpoints.find_one(query)
        return _endpoint_of(doc) if doc else None

    async def list(self, scope: Scope) -> list[Endpoint]:
        cursor = self._endpoints.find({**scoped(scope), "deletedAt": None}).sort("createdAt", ASCENDING)
        return [_endpoint_of(doc) async for doc in cursor]

    async def _update(self, scope: Scope, endpoint_id: str, changes: Document) -> Endpoint | None:
        key = oid(endpoint_id)
        if key is None:
            return None
        doc = await self._endpoints.find_one_and_update(
            {"_id": key, **scoped(scope), "deletedAt": None}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
        return _endpoint_of(doc) if doc else None

    async def delete(self, scope: Scope, endpoint_id: str, at: datetime) -> Endpoint | None:
        return await self._update(scope, endpoint_id, {"deletedAt": at})

    async def set_secret(self, scope: Scope, endpoint_id: str, secret: str) -> Endpoint | None:
        return await self._update(scope, endpoint_id, {"secret": secret})

    async def disable(self, endpoint_id: str, reason: str) -> None:
        key = oid(endpoint_id)
        if key is not None:
            await self._endpoints.update_one({"_id": key}, {"$set": {"disabled": True, "disabledReason": reason}})

    async def add_delivery(self, delivery: Delivery) -> bool:
        try:
            await self._deliveries.insert_one(
                {
                    "_id": delivery.id,
                    "endpointId": delivery.endpoint_id,
                    "eventType": delivery.event_type,
                    "body": delivery.body,
                    "status": delivery.status.value,
                    "attempts": [],
                    "nextAttemptAt": delivery.next_attempt_at,
                    "createdAt": delivery.created_at,
                    **({"url": delivery.url, "secret": delivery.secret} if delivery.url else {}),
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        doc = await self._deliveries.find_one({"_id": delivery_id})
        return _delivery_of(doc) if doc else None

    async def list_deliveries(self, endpoint_id: str, limit: int) -> list[Delivery]:
        cursor = self._deliveries.find({"endpointId": endpoint_id}).sort("createdAt", DESCENDING).limit(limit)
        return [_delivery_of(doc) async for doc in cursor]

    async def record_attempt(
        self, delivery_id: str, attempt: Attempt, status: DeliveryStatus, next_attempt_at: datetime | None
    ) -> None:
        await self._deliveries.update_one(
            {"_id": delivery_id},
            {
                "$push": {"attempts": _attempt_doc(attempt)},
                "$set": {"status": status.value, "nextAttemptAt": next_attempt_at},
            },
        )

    async def reopen(self, delivery_id: str) -> Delivery | None:
        doc = await self._deliveries.find_one_and_update(
            {"_id": delivery_id, "status": {"$ne": DeliveryStatus.PENDING.value}},
            {"$set": {"status": DeliveryStatus.PENDING.value}},
            return_document=ReturnDocument.AFTER,
        )
        return _delivery_of(doc) if doc else None

    async def keep_unsent(self, event_id: str, event: dict[str, Any]) -> None:
        await self._outbox.update_one({"_id": event_id}, {"$setOnInsert": {"event": event}}, upsert=True)

    async def unsent(self, limit: int) -> list[tuple[str, dict[str, Any]]]:
        return [(doc["_id"], doc["event"]) async for doc in self._outbox.find().limit(limit)]

    async def sent(self, event_id: str) -> None:
        await self._outbox.delete_one({"_id": event_id})
