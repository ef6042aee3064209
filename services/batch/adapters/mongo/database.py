"""The batch service's MongoDB database: its collections, indexes, and transactions where the server has them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import ConnectionFailure, OperationFailure

# "Transaction numbers are only allowed on a replica set member or mongos", "IllegalOperation"
_NO_TRANSACTIONS = {20, 263}
log = logging.getLogger(__name__)
# what PyMongo raises when it cannot reach the server (server selection timed out, connection lost)
DATABASE_UNREACHABLE: tuple[type[Exception], ...] = (ConnectionFailure,)


async def update_and_read(
    collection: AsyncCollection[Any], query: dict[str, Any], update: dict[str, Any], projection: Any = None
) -> dict[str, Any] | None:
    """What find_one_and_update(..., return_document=AFTER) answers — the document after the update, None
    when nothing matched — as an update and then a read by the query's `_id`. SecantusDB 0.7 (the embedded
    database of local mode) runs every findAndModify as a scan of the whole collection: 40 ms a call at
    5,000 records against 2 ms for these two, and the processing history only grows. Not one atomic step:
    the read may see a later change too, which every caller tolerates (it wants what is stored now)."""
    result = await collection.update_one(query, update)
    if result.matched_count == 0:
        return None
    return await collection.find_one({"_id": query["_id"]}, projection)


class Database:
    def __init__(self, client: AsyncMongoClient[Any], name: str) -> None:
        self.client = client
        self.db = client[name]
        self.batches = self.db["batches"]
        self.uploads = self.db["uploads"]
        self.records = self.db["processing_history"]
        self.templates = self.db["templates"]
        self.api_keys = self.db["api_keys"]
        self.organizations = self.db["organizations"]
        self.projects = self.db["projects"]
        self.users = self.db["users"]
        self.corrections = self.db["corrections"]  # the log of people's changes to records
        self.examples = self.db["examples"]  # what the changes teach, per project and issuer
        self.idempotency_keys = self.db["idempotency_keys"]  # create requests' keys and answers, for 24 hours
        self.blob_files = self.db["blobs.files"]  # GridFS bucket "blobs" (blobs.py)
        self.blob_chunks = self.db["blobs.chunks"]
        self._transactions: bool | None = None  # unknown until the first try

    async def ping(self) -> None:
        await self.db.command("ping")

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
        await self.batches.create_index([("receiving", ASCENDING), ("createdAt", ASCENDING)])
        await self.templates.create_index([("projectId", ASCENDING), ("deletedAt", ASCENDING)])
        await self.api_keys.create_index([("keyHash", ASCENDING)], unique=True)
        await self.users.create_index([("email", ASCENDING)], unique=True)
        await self.corrections.create_index([("recordId", ASCENDING), ("at", ASCENDING)])
        await self.examples.create_index([("recordId", ASCENDING), ("field", ASCENDING)])
        await self.examples.create_index([("projectId", ASCENDING), ("at", DESCENDING)])
        await self.examples.create_index([("batchId", ASCENDING)])
        await self.db["webhooks"].create_index([("projectId", ASCENDING), ("deletedAt", ASCENDING)])
        await self.idempotency_keys.create_index([("expiresAt", ASCENDING)], expireAfterSeconds=0)  # TTL
        await self.db["webhook_deliveries"].create_index([("endpointId", ASCENDING), ("createdAt", DESCENDING)])
        # the GridFS spec's indexes on the file bucket (blobs.py writes without checking them per file)
        await self.blob_files.create_index([("filename", ASCENDING), ("uploadDate", ASCENDING)])
        await self.blob_chunks.create_index([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)

    async def atomically(self, write: Callable[[AsyncClientSession | None], Awaitable[None]]) -> None:
        """Runs `write` in one transaction where the server has them (replica sets, SecantusDB); a standalone
        mongod runs it without one, so `write` orders its steps to be safe that way too."""
        if self._transactions is not False:
            try:
                async with self.client.start_session() as session:
                    await session.with_transaction(write)
                self._transactions = True
                return
            except OperationFailure as exc:
                if exc.code not in _NO_TRANSACTIONS or self._transactions:
                    raise
                log.warning("this MongoDB has no transactions (standalone?): multi-document writes go without one")
                self._transactions = False
        await write(None)
