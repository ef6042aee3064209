"""File bytes in GridFS (bucket "blobs"), written and read in chunks."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

from gridfs import AsyncGridFSBucket
from gridfs.errors import NoFile

from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import oid
from services.batch.domain.model import StoredBlob

CHUNK_BYTES = 255 * 1024


class GridFsBlobWriter:
    def __init__(self, bucket: AsyncGridFSBucket, file_name: str, mime_type: str) -> None:
        self._stream = bucket.open_upload_stream(
            file_name, chunk_size_bytes=CHUNK_BYTES, metadata={"contentType": mime_type}
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


class GridFsBlobs:
    def __init__(self, database: Database) -> None:
        self._bucket = AsyncGridFSBucket(database.db, bucket_name="blobs")

    async def open_writer(self, file_name: str, mime_type: str) -> GridFsBlobWriter:
        return GridFsBlobWriter(self._bucket, file_name, mime_type)

    async def read(self, blob_id: str) -> AsyncIterator[bytes]:
        key = oid(blob_id)
        if key is None:
            return
        try:
            stream = await self._bucket.open_download_stream(key)
        except NoFile:
            return
        while chunk := await stream.readchunk():
            yield chunk

    async def delete(self, blob_id: str) -> None:
        key = oid(blob_id)
        if key is None:
            return
        try:
            await self._bucket.delete(key)
        except NoFile:
            pass
