"""Idempotency keys in MongoDB: one document per organization and key (`_id` = "<organization>:<key>"). A key's
document outlives its 24 hours only until the TTL index's next pass; until then it reads as expired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import Binary
from pymongo.errors import DuplicateKeyError

from services.batch.adapters.mongo.database import Database
from services.batch.domain.idempotency import KeyUse, StoredAnswer

Document = dict[str, Any]


def _id(organization_id: str, key: str) -> str:
    return f"{organization_id}:{key}"


def _use_of(doc: Document) -> KeyUse:
    answer = doc.get("answer")
    return KeyUse(
        organization_id=doc["organizationId"],
        key=doc["key"],
        fingerprint=doc["fingerprint"],
        claim=doc["claim"],
        lease_until=doc["leaseUntil"],
        expires_at=doc["expiresAt"],
        answer=StoredAnswer(answer["statusCode"], answer["contentType"], bytes(answer["body"])) if answer else None,
    )


class MongoIdempotencyKeys:
    def __init__(self, database: Database) -> None:
        self._keys = database.idempotency_keys

    async def get(self, organization_id: str, key: str) -> KeyUse | None:
        doc = await self._keys.find_one({"_id": _id(organization_id, key)})
        return _use_of(doc) if doc else None

    async def replace(self, old: KeyUse | None, new: KeyUse) -> bool:
        doc: Document = {
            "_id": _id(new.organization_id, new.key),
            "organizationId": new.organization_id,
            "key": new.key,
            "fingerprint": new.fingerprint,
            "claim": new.claim,
            "leaseUntil": new.lease_until,
            "expiresAt": new.expires_at,
            "answer": None,
        }
        if old is None:
            try:
                await self._keys.insert_one(doc)
            except DuplicateKeyError:  # another request claimed it first
                return False
            return True
        done = await self._keys.replace_one({"_id": doc["_id"], "claim": old.claim}, doc)
        return done.modified_count == 1

    async def finish(
        self, organization_id: str, key: str, claim: str, answer: StoredAnswer, expires_at: datetime
    ) -> bool:
        stored = {"statusCode": answer.status_code, "contentType": answer.content_type, "body": Binary(answer.body)}
        done = await self._keys.update_one(
            {"_id": _id(organization_id, key), "claim": claim}, {"$set": {"answer": stored, "expiresAt": expires_at}}
        )
        return done.modified_count == 1

    async def renew(self, organization_id: str, key: str, claim: str, lease_until: datetime) -> bool:
        done = await self._keys.update_one(
            {"_id": _id(organization_id, key), "claim": claim, "answer": None}, {"$set": {"leaseUntil": lease_until}}
        )
        return done.modified_count == 1

    async def release(self, organization_id: str, key: str, claim: str) -> bool:
        done = await self._keys.delete_one({"_id": _id(organization_id, key), "claim": claim, "answer": None})
        return done.deleted_count == 1
