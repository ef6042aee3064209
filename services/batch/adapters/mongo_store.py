"""MongoDB implementation of the Store port: PyMongo's async API, blobs in GridFS."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import OperationFailure

from services.batch.adapters.store import Doc, RecordQuery, Scope, StoredBlob
from services.batch.domain.rules import OPEN_RECORD_STATUSES, RecordStatus

BLOB_CHUNK_BYTES = 255 * 1024
# "Transaction numbers are only allowed on a replica set member or mongos", "IllegalOperation"
_NO_TRANSACTIONS = {20, 263}
log = logging.getLogger(__name__)


def _oid(value: str) -> ObjectId | None:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


def _out(doc: dict[str, Any] | None) -> Doc | None:
    """A stored document as the service sees it: string `id`, no internal bookkeeping."""
    if doc is None:
        return None
    doc = dict(doc)
    doc["id"] = str(doc.pop("_id"))
    doc.pop("countedRecordIds", None)
    return doc


def _to_db(doc: Doc) -> dict[str, Any]:
    """A service document as stored: its string `id` becomes the ObjectId `_id`."""
    stored = {k: v for k, v in doc.items() if k != "id"}
    stored["_id"] = ObjectId(doc["id"])
    return stored


def _scoped(scope: Scope) -> dict[str, Any]:
    return {"organizationId": scope.organization_id, "projectId": scope.project_id}


class GridFsBlobWriter:
    def __init__(self, bucket: AsyncGridFSBucket, file_name: str, mime_type: str) -> None:
        self._stream = bucket.open_upload_stream(
            file_name, chunk_size_bytes=BLOB_CHUNK_BYTES, metadata={"contentType": mime_type}
        )
        self._sha = hashlib.sha256()
        self._size = 0

    async def write(self, data: bytes) -> None:
        self._sha.update(data)
        self._size += len(data)
        await self._stream.write(data)

    async def finish(self) -> StoredBlob:
        await self._stream.close()
        return StoredBlob(blob_id=str(self._stream._id), size=self._size, sha256=self._sha.hexdigest())

    async def abort(self) -> None:
        await self._stream.abort()


class MongoStore:
    def __init__(self, client: AsyncMongoClient, db_name: str) -> None:
        self._client = client
        self._db = client[db_name]
        self._bucket = AsyncGridFSBucket(self._db, bucket_name="blobs")
        self._transactions: bool | None = None  # unknown until the first batch is written
        self.batches = self._db["batches"]
        self.uploads = self._db["uploads"]
        self.records = self._db["processing_history"]
        self.templates = self._db["templates"]
        self.api_keys = self._db["api_keys"]
        self.organizations = self._db["organizations"]
        self.projects = self._db["projects"]

    async def ping(self) -> None:
        await self._db.command("ping")

    async def ensure_indexes(self) -> None:
        await self.batches.create_index(
            [
                ("organizationId", ASCENDING),
                ("projectId", ASCENDING),
                ("deletedAt", ASCENDING),
                ("createdAt", DESCENDING),
            ]
        )
        await self.records.create_index([("batchId", ASCENDING), ("seq", ASCENDING)])
        await self.records.create_index([("status", ASCENDING), ("createdAt", ASCENDING)])
        await self.records.create_index([("projectId", ASCENDING), ("createdAt", DESCENDING)])
        await self.uploads.create_index([("batchId", ASCENDING)])
        await self.templates.create_index([("projectId", ASCENDING), ("deletedAt", ASCENDING)])
        await self.api_keys.create_index([("keyHash", ASCENDING)], unique=True)

    # --- blobs -------------------------------------------------------------------------------
    async def open_blob_writer(self, file_name: str, mime_type: str) -> GridFsBlobWriter:
        return GridFsBlobWriter(self._bucket, file_name, mime_type)

    async def read_blob(self, blob_id: str) -> AsyncIterator[bytes]:
        oid = _oid(blob_id)
        if oid is None:
            return
        try:
            stream = await self._bucket.open_download_stream(oid)
        except NoFile:
            return
        while chunk := await stream.readchunk():
            yield chunk

    async def delete_blob(self, blob_id: str) -> None:
        oid = _oid(blob_id)
        if oid is None:
            return
        try:
            await self._bucket.delete(oid)
        except NoFile:
            pass

    # --- batches -----------------------------------------------------------------------------
    def new_id(self) -> str:
        return str(ObjectId())

    async def insert_batch(self, batch: Doc, uploads: list[Doc], records: list[Doc]) -> None:
        """Uploads, records and the batch in one transaction where the server has them (replica sets,
        SecantusDB); a standalone mongod writes them one after the other, the batch last."""
        if self._transactions is not False:
            try:
                async with self._client.start_session() as session:
                    await session.with_transaction(lambda s: self._insert_batch_documents(batch, uploads, records, s))
                self._transactions = True
                return
            except OperationFailure as exc:
                if exc.code not in _NO_TRANSACTIONS or self._transactions:
                    raise
                log.warning("this MongoDB has no transactions (standalone?): batches are written without one")
                self._transactions = False
        await self._insert_batch_documents(batch, uploads, records, None)

    async def _insert_batch_documents(
        self, batch: Doc, uploads: list[Doc], records: list[Doc], session: AsyncClientSession | None
    ) -> None:
        if uploads:
            await self.uploads.insert_many([_to_db(u) for u in uploads], ordered=True, session=session)
        if records:
            await self.records.insert_many([_to_db(r) for r in records], ordered=True, session=session)
        await self.batches.insert_one({**_to_db(batch), "countedRecordIds": []}, session=session)

    async def get_batch(self, scope: Scope, batch_id: str) -> Doc | None:
        oid = _oid(batch_id)
        if oid is None:
            return None
        return _out(await self.batches.find_one({"_id": oid, **_scoped(scope), "deletedAt": None}))

    async def list_batches(self, scope: Scope, page: int, limit: int, status: str | None) -> tuple[list[Doc], int]:
        query: dict[str, Any] = {**_scoped(scope), "deletedAt": None}
        if status:
            query["status"] = status
        total = await self.batches.count_documents(query)
        cursor = (
            self.batches.find(query, {"countedRecordIds": 0})
            .sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
            .skip((page - 1) * limit)
            .limit(limit)
        )
        return [d for d in [_out(doc) async for doc in cursor] if d is not None], total

    async def soft_delete_batch(self, scope: Scope, batch_id: str, at: datetime) -> Doc | None:
        oid = _oid(batch_id)
        if oid is None:
            return None
        doc = await self.batches.find_one_and_update(
            {"_id": oid, **_scoped(scope), "deletedAt": None},
            {"$set": {"deletedAt": at, "updatedAt": at}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None:  # its records leave the processing history with it
            await self.records.update_many({"batchId": batch_id}, {"$set": {"deletedAt": at}})
        return _out(doc)

    async def set_batch_status(self, batch_id: str, status: str, at: datetime) -> None:
        await self.batches.update_one({"_id": ObjectId(batch_id)}, {"$set": {"status": status, "updatedAt": at}})

    async def count_record_outcome(
        self, batch_id: str, record_id: str, outcome: str, at: datetime, result_fields: list[str]
    ) -> Doc | None:
        """Adds one final record to the batch counters, at most once per record; returns the batch after.

        The record's field names join the batch's resultFields, so exports know their columns up front."""
        counter = "completedFiles" if outcome == RecordStatus.COMPLETED else "failedFiles"
        oid = ObjectId(batch_id)
        doc = await self.batches.find_one_and_update(
            {"_id": oid, "countedRecordIds": {"$ne": record_id}},
            {
                "$inc": {counter: 1},
                "$push": {"countedRecordIds": record_id},
                "$addToSet": {"resultFields": {"$each": result_fields}},
                "$set": {"updatedAt": at},
            },
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:  # already counted (a redelivered result): report the batch as it is
            doc = await self.batches.find_one({"_id": oid})
        return _out(doc)

    async def set_batch_progress(
        self, batch_id: str, completed: int, failed: int, status: str, progress: float, at: datetime
    ) -> None:
        # Guarded by the counters it was derived from, so a slower writer never overwrites a newer state.
        await self.batches.update_one(
            {"_id": ObjectId(batch_id), "completedFiles": completed, "failedFiles": failed},
            {"$set": {"status": status, "progress": progress, "updatedAt": at}},
        )

    # --- records -----------------------------------------------------------------------------
    async def get_record(self, scope: Scope, record_id: str) -> Doc | None:
        oid = _oid(record_id)
        if oid is None:
            return None
        return _out(await self.records.find_one({"_id": oid, **_scoped(scope), "deletedAt": None}))

    async def get_record_unscoped(self, record_id: str) -> Doc | None:
        oid = _oid(record_id)
        return None if oid is None else _out(await self.records.find_one({"_id": oid}))

    async def stream_records(
        self, scope: Scope, batch_id: str, status: str | None, include_text: bool, include_pages: bool, limit: int = 0
    ) -> AsyncIterator[Doc]:
        query: dict[str, Any] = {"batchId": batch_id, **_scoped(scope)}
        if status:
            query["status"] = status
        projection: dict[str, int] = {}
        if not include_text:
            projection["text"] = 0
        if not include_pages:
            projection["pages"] = 0
        cursor = self.records.find(query, projection or None, batch_size=100).sort("seq", ASCENDING).limit(limit)
        async for doc in cursor:
            out = _out(doc)
            if out is not None:
                yield out

    async def mark_records_queued(self, record_ids: list[str], at: datetime) -> None:
        await self.records.update_many(
            {"_id": {"$in": [ObjectId(r) for r in record_ids]}, "status": RecordStatus.PENDING},
            {"$set": {"status": RecordStatus.QUEUED, "updatedAt": at}},
        )

    async def mark_record_started(self, record_id: str, generation: int, delivery: int, at: datetime) -> None:
        await self.records.update_one(
            {
                "_id": ObjectId(record_id),
                "generation": generation,
                "status": {"$in": [RecordStatus.PENDING, RecordStatus.QUEUED, RecordStatus.IN_PROGRESS]},
            },
            {
                "$set": {"status": RecordStatus.IN_PROGRESS, "attempts": delivery, "updatedAt": at},
                "$min": {"startedAt": at},
            },
        )

    async def finish_record(self, record_id: str, generation: int, fields: Doc) -> None:
        """Sets a final status once: a record already final, or of another generation, is left alone."""
        await self.records.update_one(
            {"_id": ObjectId(record_id), "generation": generation, "status": {"$in": list(OPEN_RECORD_STATUSES)}},
            {"$set": fields},
        )

    def _record_filter(self, scope: Scope, query: RecordQuery) -> dict[str, Any]:
        flt: dict[str, Any] = {**_scoped(scope), "deletedAt": None}
        if query.status:
            flt["status"] = query.status
        if query.template_id:
            flt["templateId"] = query.template_id
        if query.batch_id:
            flt["batchId"] = query.batch_id
        if query.needs_review is not None:
            flt["needsReview"] = True if query.needs_review else {"$ne": True}
        created: dict[str, datetime] = {}
        if query.created_from:
            created["$gte"] = query.created_from
        if query.created_before:
            created["$lt"] = query.created_before
        if created:
            flt["createdAt"] = created
        if query.search:
            pattern = {"$regex": re.escape(query.search), "$options": "i"}
            flt["$or"] = [{"fileName": pattern}, {"templateName": pattern}]
        return flt

    async def list_records(self, scope: Scope, query: RecordQuery, page: int, limit: int) -> tuple[list[Doc], int]:
        flt = self._record_filter(scope, query)
        total = await self.records.count_documents(flt)
        cursor = (
            self.records.find(flt, {"text": 0, "pages": 0, "templateSnapshot": 0})
            .sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
            .skip((page - 1) * limit)
            .limit(limit)
        )
        return [d for d in [_out(doc) async for doc in cursor] if d is not None], total

    async def record_counts(self, scope: Scope) -> dict[str, int]:
        """Records per status, and under "needsReview" the completed ones flagged for review."""
        counts: dict[str, int] = {}
        pipeline = [
            {"$match": {**_scoped(scope), "deletedAt": None}},
            {"$group": {"_id": "$status", "n": {"$sum": 1}, "review": {"$sum": {"$cond": ["$needsReview", 1, 0]}}}},
        ]
        async for row in await self.records.aggregate(pipeline):
            counts[row["_id"]] = row["n"]
            if row["_id"] == RecordStatus.COMPLETED:
                counts["needsReview"] = row["review"]
        return counts

    async def requeue_failed_record(self, scope: Scope, record_id: str, at: datetime) -> Doc | None:
        """A failed record becomes pending again, in a new generation (results of the old one are ignored)."""
        oid = _oid(record_id)
        if oid is None:
            return None
        doc = await self.records.find_one_and_update(
            {"_id": oid, **_scoped(scope), "deletedAt": None, "status": RecordStatus.FAILED},
            {
                "$set": {
                    "status": RecordStatus.PENDING,
                    "error": None,
                    "attempts": 0,
                    "updatedAt": at,
                    "retriedAt": at,
                },
                "$inc": {"generation": 1},
                "$unset": {"startedAt": "", "completedAt": ""},
            },
            return_document=ReturnDocument.AFTER,
        )
        return _out(doc)

    async def uncount_record(self, batch_id: str, record_id: str, at: datetime) -> Doc | None:
        """Takes a failed record back out of its batch's counters (once); returns the batch after."""
        oid = ObjectId(batch_id)
        doc = await self.batches.find_one_and_update(
            {"_id": oid, "countedRecordIds": record_id},
            {"$inc": {"failedFiles": -1}, "$pull": {"countedRecordIds": record_id}, "$set": {"updatedAt": at}},
            return_document=ReturnDocument.AFTER,
        )
        return _out(doc if doc is not None else await self.batches.find_one({"_id": oid}))

    async def pending_records(self, older_than: datetime, limit: int) -> list[Doc]:
        cursor = self.records.find(
            {"status": RecordStatus.PENDING, "createdAt": {"$lt": older_than}}, {"text": 0, "pages": 0}
        ).limit(limit)
        return [d for d in [_out(doc) async for doc in cursor] if d is not None]

    # --- templates and keys ------------------------------------------------------------------
    async def get_template(self, scope: Scope, template_id: str) -> Doc | None:
        oid = _oid(template_id)
        if oid is None:
            return None
        return _out(await self.templates.find_one({"_id": oid, **_scoped(scope), "deletedAt": None}))

    async def list_templates(self, scope: Scope) -> list[Doc]:
        cursor = self.templates.find({**_scoped(scope), "deletedAt": None}).sort("createdAt", ASCENDING)
        return [d for d in [_out(doc) async for doc in cursor] if d is not None]

    async def insert_template(self, doc: Doc) -> None:
        await self.templates.insert_one(_to_db(doc))

    async def update_template(self, scope: Scope, template_id: str, fields: Doc) -> Doc | None:
        oid = _oid(template_id)
        if oid is None:
            return None
        doc = await self.templates.find_one_and_update(
            {"_id": oid, **_scoped(scope), "deletedAt": None}, {"$set": fields}, return_document=ReturnDocument.AFTER
        )
        return _out(doc)

    async def delete_template(self, scope: Scope, template_id: str, at: datetime) -> Doc | None:
        return await self.update_template(scope, template_id, {"deletedAt": at, "updatedAt": at})

    async def find_api_key(self, key_hash: str) -> Doc | None:
        return _out(await self.api_keys.find_one({"keyHash": key_hash, "revokedAt": None}))

    async def insert_tenant(self, organization: Doc, project: Doc, api_key: Doc) -> None:
        await self.insert_organization(organization)
        await self.insert_project(project)
        await self.insert_api_key(api_key)

    # --- tenancy -------------------------------------------------------------------------------
    async def insert_organization(self, doc: Doc) -> None:
        await self.organizations.insert_one(_to_db(doc))

    async def list_organizations(self) -> list[Doc]:
        return [d for d in [_out(doc) async for doc in self.organizations.find().sort("createdAt", ASCENDING)] if d]

    async def get_organization(self, organization_id: str) -> Doc | None:
        oid = _oid(organization_id)
        return None if oid is None else _out(await self.organizations.find_one({"_id": oid}))

    async def add_credits(self, organization_id: str, credits: int) -> Doc | None:
        oid = _oid(organization_id)
        if oid is None:
            return None
        # taking credits away never leaves a negative balance
        flt: dict[str, Any] = {"_id": oid} if credits >= 0 else {"_id": oid, "credits": {"$gte": -credits}}
        doc = await self.organizations.find_one_and_update(
            flt, {"$inc": {"credits": credits}}, return_document=ReturnDocument.AFTER
        )
        return _out(doc)

    async def charge_credits(self, organization_id: str, credits: int) -> bool:
        """Takes credits only if the balance covers all of them, in one atomic update (no overdraft)."""
        oid = _oid(organization_id)
        if oid is None:
            return False
        result = await self.organizations.update_one(
            {"_id": oid, "credits": {"$gte": credits}}, {"$inc": {"credits": -credits}}
        )
        return result.modified_count == 1

    async def insert_project(self, doc: Doc) -> None:
        await self.projects.insert_one(_to_db(doc))

    async def list_projects(self, organization_id: str) -> list[Doc]:
        cursor = self.projects.find({"organizationId": organization_id}).sort("createdAt", ASCENDING)
        return [d for d in [_out(doc) async for doc in cursor] if d]

    async def project_exists(self, organization_id: str, project_id: str) -> bool:
        oid = _oid(project_id)
        if oid is None:
            return False
        return await self.projects.count_documents({"_id": oid, "organizationId": organization_id}, limit=1) > 0

    async def insert_api_key(self, doc: Doc) -> None:
        await self.api_keys.insert_one(_to_db(doc))

    async def list_api_keys(self, organization_id: str) -> list[Doc]:
        cursor = self.api_keys.find({"organizationId": organization_id}, {"keyHash": 0}).sort("createdAt", ASCENDING)
        return [d for d in [_out(doc) async for doc in cursor] if d]

    async def revoke_api_key(self, key_id: str, at: datetime) -> Doc | None:
        oid = _oid(key_id)
        if oid is None:
            return None
        doc = await self.api_keys.find_one_and_update(
            {"_id": oid}, {"$set": {"revokedAt": at}}, {"keyHash": 0}, return_document=ReturnDocument.AFTER
        )
        return _out(doc)
