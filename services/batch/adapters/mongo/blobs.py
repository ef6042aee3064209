"""File bytes in GridFS (bucket "blobs"), written and read in chunks.

The documents follow the GridFS spec (any GridFS tool reads them: `blobs.files` with length, chunkSize,
uploadDate, filename and metadata; `blobs.chunks` with files_id, n and data), written here rather than
through PyMongo's GridFSBucket: its writer checks the bucket's indexes with two queries on every file it
writes, and its reader reads the files document before the chunks. The indexes are made once, when the
service starts (`Database.ensure_indexes`), so a file costs two writes (its chunks, then its files document) and
one read (its chunks)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from bson import Int64, ObjectId
from pymongo import ASCENDING

from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import oid
from services.batch.domain.model import StoredBlob

CHUNK_BYTES = 255 * 1024  # the GridFS default
# chunks are sent in one insert_many per this many bytes, so a large file is never held whole in memory
FLUSH_BYTES = 4 * 1024 * 1024


class GridFsBlobWriter:
    def __init__(self, database: Database, file_name: str, mime_type: str) -> None:
        self._files = database.blob_files
        self._chunks = database.blob_chunks
        self._id = ObjectId()
        self._file_name = file_name
        self._mime_type = mime_type
        self._sha = hashlib.sha256()
        self._size = 0
        self._pending = bytearray()  # less than one chunk, not yet written
        self._ready: list[dict[str, Any]] = []  # whole chunks, written at FLUSH_BYTES
        self._ready_bytes = 0
        self._n = 0

    async def write(self, data: bytes) -> None:
        self._sha.update(data)
        self._size += len(data)
        self._pending += data
        while len(self._pending) >= CHUNK_BYTES:
            self._add_chunk(bytes(self._pending[:CHUNK_BYTES]))
            del self._pending[:CHUNK_BYTES]
        if self._ready_bytes >= FLUSH_BYTES:
            await self._flush()

    def _add_chunk(self, data: bytes) -> None:
        self._ready.append({"files_id": self._id, "n": self._n, "data": data})
        self._ready_bytes += len(data)
        self._n += 1

    async def _flush(self) -> None:
        if self._ready:
            await self._chunks.insert_many(self._ready, ordered=True)
        self._ready, self._ready_bytes = [], 0

    async def finish(self) -> StoredBlob:
        """The chunks, then the files document: a file is whole once its files document exists."""
        if self._pending:
            self._add_chunk(bytes(self._pending))
            self._pending.clear()
        await self._flush()
        await self._files.insert_one(
            {
                "_id": self._id,
                "length": Int64(self._size),
                "chunkSize": CHUNK_BYTES,
                "uploadDate": datetime.now(UTC),
                "filename": self._file_name,
                "metadata": {"contentType": self._mime_type},
            }
        )
        return StoredBlob(blob_id=str(self._id), size=self._size, sha256=self._sha.hexdigest())

    async def abort(self) -> None:
        await self._chunks.delete_many({"files_id": self._id})
        await self._files.delete_one({"_id": self._id})


class GridFsBlobs:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._files = database.blob_files
        self._chunks = database.blob_chunks

    async def open_writer(self, file_name: str, mime_type: str) -> GridFsBlobWriter:
        return GridFsBlobWriter(self._database, file_name, mime_type)

    async def read(self, blob_id: str) -> AsyncIterator[bytes]:
        """The file's chunks in order; nothing when there is no such file (or it was deleted)."""
        key = oid(blob_id)
        if key is None:
            return
        expected = 0
        async for chunk in self._chunks.find({"files_id": key}, {"_id": 0, "n": 1, "data": 1}).sort("n", ASCENDING):
            if chunk["n"] != expected:  # a chunk missing (a file being deleted): never hand out a gap
                raise RuntimeError(f"file {blob_id} is missing chunk {expected}")
            expected += 1
            yield chunk["data"]

    async def delete(self, blob_id: str) -> None:
        """The files document first, so that a file half deleted is already not whole."""
        key = oid(blob_id)
        if key is None:
            return
        await self._files.delete_one({"_id": key})
        await self._chunks.delete_many({"files_id": key})
