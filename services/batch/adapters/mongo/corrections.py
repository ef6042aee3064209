"""The correction log and the examples it teaches in MongoDB (collections corrections, examples)."""

from __future__ import annotations

from pymongo import ASCENDING, DESCENDING

from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import change_doc, change_of, example_doc, example_of
from services.batch.domain.corrections import Change, Example


class MongoCorrections:
    def __init__(self, database: Database) -> None:
        self._log = database.corrections
        self._examples = database.examples

    async def log(self, changes: list[Change]) -> None:
        if changes:
            await self._log.insert_many([change_doc(c) for c in changes])

    async def changes(self, record_id: str) -> list[Change]:
        cursor = self._log.find({"recordId": record_id}).sort([("at", ASCENDING), ("_id", ASCENDING)])
        return [change_of(doc) async for doc in cursor]

    async def keep_example(self, example: Example, keep: int) -> None:
        await self._examples.replace_one(
            {"recordId": example.record_id, "field": example.field}, example_doc(example), upsert=True
        )
        same: dict[str, str] = {
            "organizationId": example.organization_id,
            "projectId": example.project_id,
            "issuerId": example.issuer_id,
            "field": example.field,
        }
        older = self._examples.find(same, {"_id": 1}).sort([("at", DESCENDING), ("_id", DESCENDING)]).skip(keep)
        stale = [doc["_id"] async for doc in older]
        if stale:
            await self._examples.delete_many({"_id": {"$in": stale}})

    async def examples(self, organization_id: str, project_id: str, limit: int) -> list[Example]:
        cursor = (
            self._examples.find({"organizationId": organization_id, "projectId": project_id})
            .sort([("at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return [example_of(doc) async for doc in cursor]

    async def forget_batch(self, batch_id: str) -> None:
        await self._examples.delete_many({"batchId": batch_id})

    async def forget_record(self, record_id: str, fields: list[str] | None = None) -> None:
        which: dict[str, object] = {"recordId": record_id}
        if fields is not None:
            which["field"] = {"$in": fields}
        await self._examples.delete_many(which)
