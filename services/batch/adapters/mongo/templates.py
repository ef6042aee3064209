"""A project's own templates in MongoDB, stored as the template's protobuf JSON beside bookkeeping fields."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument

from ocrbatch.v1 import templates_pb2
from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import oid, scoped, template_from, template_stored
from services.batch.domain.model import Scope

# a replacement drops these when the new version leaves them out
_REPLACEABLE = ("fields", "keyValues", "description", "reviewThreshold")


class MongoTemplates:
    def __init__(self, database: Database) -> None:
        self._templates = database.templates

    def new_id(self) -> str:
        return str(ObjectId())

    async def get(self, scope: Scope, template_id: str) -> templates_pb2.Template | None:
        key = oid(template_id)
        if key is None:
            return None
        doc = await self._templates.find_one({"_id": key, **scoped(scope), "deletedAt": None})
        return template_from(doc) if doc else None

    async def list(self, scope: Scope) -> list[templates_pb2.Template]:
        cursor = self._templates.find({**scoped(scope), "deletedAt": None}).sort("createdAt", ASCENDING)
        return [template_from(doc) async for doc in cursor]

    async def add(self, scope: Scope, template: templates_pb2.Template, at: datetime) -> templates_pb2.Template:
        doc = {**template_stored(scope, template, at), "_id": ObjectId(template.id), "createdAt": at, "deletedAt": None}
        await self._templates.insert_one(doc)
        return template_from(doc)

    async def replace(
        self, scope: Scope, template: templates_pb2.Template, at: datetime
    ) -> templates_pb2.Template | None:
        key = oid(template.id)
        if key is None:
            return None
        body = template_stored(scope, template, at)
        unset = {name: "" for name in _REPLACEABLE if name not in body}
        update: dict[str, object] = {"$set": body}
        if unset:
            update["$unset"] = unset
        doc = await self._templates.find_one_and_update(
            {"_id": key, **scoped(scope), "deletedAt": None}, update, return_document=ReturnDocument.AFTER
        )
        return template_from(doc) if doc else None

    async def soft_delete(self, scope: Scope, template_id: str, at: datetime) -> templates_pb2.Template | None:
        key = oid(template_id)
        if key is None:
            return None
        doc = await self._templates.find_one_and_update(
            {"_id": key, **scoped(scope), "deletedAt": None},
            {"$set": {"deletedAt": at, "updatedAt": at}},
            return_document=ReturnDocument.AFTER,
        )
        return template_from(doc) if doc else None
