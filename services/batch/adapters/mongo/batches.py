"""Batches, their uploads and their records in MongoDB (collections batches, uploads, processing_history)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from bson import Int64, ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection

from ocrbatch.v1 import templates_pb2
from services.batch.adapters.mongo.database import Database, update_and_read
from services.batch.adapters.mongo.documents import (
    BATCH_CHANGES,
    LEGACY_COUNTED,
    UPLOAD_CLOSE_CHANGES,
    Document,
    batch_doc,
    batch_of,
    candidates_doc,
    counted_bit,
    oid,
    page_doc,
    parts_fields,
    record_doc,
    record_of,
    reviewed_fields,
    scoped,
    template_doc,
    upload_doc,
)
from services.batch.domain.model import Batch, CandidateType, Outcome, Record, RecordQuery, Scope, Upload
from services.batch.domain.rules import OPEN_RECORD_STATUSES, BatchStatus, RecordStatus
from services.batch.ports import SweepReport

_LIGHT = {"text": 0, "pages": 0, "templateSnapshot": 0}  # what lists and bookkeeping never need
_READING = {"text": 0, "pages": 0, "processingResult": 0, "fieldDetails": 0}
# Records and uploads are written before their batch and carry this mark until it exists: without
# transactions (a standalone mongod) a crash in between leaves them invisible, for the sweeper to settle.
UNCOMMITTED = "uncommitted"
_COMMITTED: Document = {UNCOMMITTED: {"$exists": False}}
# A batch whose streamed upload is still sending files is hidden from every reader but the result applier;
# its records and uploads carry the mark above until the upload ends.
_VISIBLE: Document = {"receiving": {"$ne": True}}
# Indexed fields only (marked "see _INDEXED_ONLY" where used): the queries run often (each declared upload,
# the re-queue loop) ask only for fields of an index and check the uncommitted mark in Python, because
# SecantusDB (local mode's database) scans the whole collection for a query with a field its index lacks
# (150 ms at 5,000 records, against 0.7 ms), and the processing history only grows.

# a batch's counters and status without what grows with it (its id lists) or never changes (its template)
_BATCH_IDS = {"processingHistoryIds": 0, "uploadIds": 0, LEGACY_COUNTED: 0}
_BATCH_COUNTERS = {**_BATCH_IDS, "templateSnapshot": 0}
_CHANGE_ATTEMPTS = 50  # concurrent changes of one batch retry this often before giving up


async def _owner(collection: AsyncCollection[Document], item_id: str, extra: Document | None = None) -> Scope | None:
    key = oid(item_id)
    if key is None:
        return None
    doc = await collection.find_one(
        {"_id": key, "deletedAt": None, **(extra or {})}, {"organizationId": 1, "projectId": 1}
    )
    return Scope(doc["organizationId"], doc["projectId"]) if doc else None


class MongoBatches:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._batches = database.batches
        self._uploads = database.uploads
        self._records = database.records

    def new_id(self) -> str:
        return str(ObjectId())

    # --- batches -----------------------------------------------------------------------------
    async def add(self, batch: Batch, uploads: list[Upload], records: list[Record]) -> None:
        """Uploads, records and the batch together (in one transaction where the server has them; else the
        batch last, so a batch is never visible without its records)."""

        async def write(session: AsyncClientSession | None) -> None:
            mark = {UNCOMMITTED: True} if session is None else {}  # a transaction needs no mark
            if uploads:
                docs = [upload_doc(u) | mark for u in uploads]
                await self._uploads.insert_many(docs, ordered=False, session=session)
            if records:
                docs = [record_doc(r) | mark for r in records]
                await self._records.insert_many(docs, ordered=False, session=session)
            await self._batches.insert_one(batch_doc(batch), session=session)
            if mark:
                for collection in (self._records, self._uploads):
                    await collection.update_many({"batchId": batch.id}, {"$unset": {UNCOMMITTED: ""}})

        await self._database.atomically(write)

    async def get(self, scope: Scope, batch_id: str, *, with_ids: bool = True) -> Batch | None:
        key = oid(batch_id)
        if key is None:
            return None
        doc = await self._batches.find_one(
            {"_id": key, **scoped(scope), "deletedAt": None, **_VISIBLE}, None if with_ids else _BATCH_IDS
        )
        return batch_of(doc) if doc else None

    async def owner(self, batch_id: str) -> Scope | None:
        return await _owner(self._batches, batch_id, _VISIBLE)

    async def record_owner(self, record_id: str) -> Scope | None:
        return await _owner(self._records, record_id, _COMMITTED)

    async def list(self, scope: Scope, page: int, limit: int, status: str | None) -> tuple[list[Batch], int]:
        query: Document = {**scoped(scope), "deletedAt": None, **_VISIBLE}
        if status:
            query["status"] = status
        total = await self._batches.count_documents(query)
        cursor = (
            self._batches.find(query, {LEGACY_COUNTED: 0, "templateSnapshot": 0})
            .sort([("createdAt", DESCENDING), ("_id", DESCENDING)])
            .skip((page - 1) * limit)
            .limit(limit)
        )
        return [batch_of(doc) async for doc in cursor], total

    async def soft_delete(self, scope: Scope, batch_id: str, at: datetime) -> Batch | None:
        key = oid(batch_id)
        if key is None:
            return None
        doc = await update_and_read(
            self._batches,
            {"_id": key, **scoped(scope), "deletedAt": None},
            {"$set": {"deletedAt": at, "updatedAt": at}, "$inc": {"version": 1}},
        )
        if doc is None:
            return None
        await self._records.update_many({"batchId": batch_id}, {"$set": {"deletedAt": at}})  # they leave the history
        return batch_of(doc)

    async def change(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        return await self._change(batch_id, change, BATCH_CHANGES)

    async def _change(self, batch_id: str, change: Callable[[Batch], bool], fields: tuple[str, ...]) -> Batch | None:
        key = oid(batch_id)
        if key is None:
            return None
        for _ in range(_CHANGE_ATTEMPTS):
            doc = await self._batches.find_one({"_id": key})
            if doc is None:
                return None
            batch = batch_of(doc)
            if not change(batch):
                return None
            stored = batch_doc(batch)
            result = await self._batches.update_one(
                {"_id": key, "version": batch.version},
                {"$set": {name: stored[name] for name in fields}, "$inc": {"version": 1}},
            )
            if result.matched_count == 1:
                batch.version += 1
                return batch
        raise RuntimeError(f"batch {batch_id} kept changing under {_CHANGE_ATTEMPTS} attempts to update it")

    async def count_record(self, record: Record, at: datetime) -> tuple[BatchStatus | None, Batch | None]:
        """One update counts the record, guarded by its bit in the batch's bitmap of counted seqs so that a
        redelivered result counts nothing (a list of counted ids made each count slower as a 5,000-file
        batch filled: 12 → 70 ms a result in local mode)."""
        if not record.is_final:
            return None, None
        counter = "completedFiles" if record.status == RecordStatus.COMPLETED else "failedFiles"
        word, bit, mask = counted_bit(record.seq)
        update: Document = {
            "$bit": {word: {"or": mask}},
            "$inc": {counter: 1, "version": 1},
            "$set": {"updatedAt": at},
        }
        if fields := record.result_fields():
            update["$addToSet"] = {"resultFields": {"$each": fields}}
        uncounted = {
            "$or": [{word: {"$exists": False}}, {word: {"$bitsAllClear": [bit]}}],
            LEGACY_COUNTED: {"$ne": record.id},
        }
        return await self._move_counters(record.batch_id, uncounted, update, at)

    async def uncount_record(self, record: Record, was: RecordStatus, at: datetime) -> Batch | None:
        counter = "completedFiles" if was == RecordStatus.COMPLETED else "failedFiles"
        word, bit, mask = counted_bit(record.seq)
        _, batch = await self._move_counters(
            record.batch_id,
            {"$or": [{word: {"$bitsAllSet": [bit]}}, {LEGACY_COUNTED: record.id}]},
            {
                "$bit": {word: {"and": Int64(~mask)}},
                "$pull": {LEGACY_COUNTED: record.id},
                "$inc": {counter: -1, "version": 1},
                "$set": {"updatedAt": at},
            },
            at,
        )
        return batch

    async def document_uploaded(self, batch_id: str, upload_id: str, at: datetime) -> Batch | None:
        _, batch = await self._move_counters(
            batch_id,
            {"waitingFiles": {"$gt": 0}},
            {"$push": {"uploadIds": upload_id}, "$inc": {"waitingFiles": -1, "version": 1}, "$set": {"updatedAt": at}},
            at,
        )
        return batch

    async def _move_counters(
        self, batch_id: str, guard: Document, update: Document, at: datetime
    ) -> tuple[BatchStatus | None, Batch | None]:
        """One guarded update of a batch's counters, one read of them back without the id lists, which grow
        with the batch; a versioned status update follows only when the counters moved the status (twice in
        a batch's life), or to mend a status a crash left behind its counters. Returns (the status before,
        the batch after); the batch is None when the guard refused the update and the status was right."""
        key = oid(batch_id)
        if key is None:
            return None, None
        doc = await update_and_read(self._batches, {"_id": key, **guard}, update, _BATCH_COUNTERS)
        changed = doc is not None
        for _ in range(_CHANGE_ATTEMPTS):
            if doc is None:
                doc = await self._batches.find_one({"_id": key}, _BATCH_COUNTERS)
                if doc is None:
                    return None, None
            batch = batch_of(doc)
            before, status = batch.status, batch.counted_status()
            if status == before:
                return before, batch if changed else None
            doc = await update_and_read(
                self._batches,
                {"_id": key, "version": batch.version},
                {"$set": {"status": status.value, "updatedAt": at}, "$inc": {"version": 1}},
            )
            if doc is not None:
                return before, batch_of(doc)
        raise RuntimeError(f"batch {batch_id} kept changing under {_CHANGE_ATTEMPTS} attempts to settle its status")

    # --- streamed uploads: files queued as they are stored ---------------------------------------
    async def add_file(self, upload: Upload, record: Record) -> None:
        await self._uploads.insert_one(upload_doc(upload) | {UNCOMMITTED: True})
        await self._records.insert_one(record_doc(record) | {UNCOMMITTED: True})

    async def commit_upload(self, batch_id: str, change: Callable[[Batch], bool]) -> Batch | None:
        """The batch first (so a crash in between leaves a visible batch whose records the sweep commits),
        then its records and uploads."""
        batch = await self._change(batch_id, change, UPLOAD_CLOSE_CHANGES)
        if batch is not None:
            for collection in (self._records, self._uploads):
                await collection.update_many({"batchId": batch_id, UNCOMMITTED: True}, {"$unset": {UNCOMMITTED: ""}})
        return batch

    async def discard(self, batch_id: str) -> None:
        for collection in (self._records, self._uploads):
            await collection.delete_many({"batchId": batch_id, UNCOMMITTED: True})
        key = oid(batch_id)
        if key is not None:
            await self._batches.delete_one({"_id": key, "receiving": True})

    # --- records -----------------------------------------------------------------------------
    async def get_record(self, scope: Scope | None, record_id: str) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        query: Document = {"_id": key}
        if scope is not None:  # what users see; internal readers (a worker reading its job's file) see more
            query |= {**scoped(scope), "deletedAt": None, **_COMMITTED}
        doc = await self._records.find_one(query)
        return record_of(doc) if doc else None

    async def stream_records(
        self, scope: Scope, batch_id: str, status: str | None, include_text: bool, include_pages: bool, limit: int = 0
    ) -> AsyncIterator[Record]:
        query: Document = {"batchId": batch_id, **scoped(scope), **_COMMITTED}
        if status:
            query["status"] = status
        projection: dict[str, int] = {"templateSnapshot": 0}
        if not include_text:
            projection["text"] = 0
        if not include_pages:
            projection["pages"] = 0
        cursor = self._records.find(query, projection, batch_size=100).sort("seq", ASCENDING).limit(limit)
        async for doc in cursor:
            yield record_of(doc)

    def _filter(self, scope: Scope, query: RecordQuery) -> Document:
        flt: Document = {**scoped(scope), "deletedAt": None, **_COMMITTED}
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

    async def list_records(self, scope: Scope, query: RecordQuery, page: int, limit: int) -> tuple[list[Record], int]:
        flt = self._filter(scope, query)
        total = await self._records.count_documents(flt)
        order = ASCENDING if query.oldest_first else DESCENDING
        cursor = (
            self._records.find(flt, _LIGHT)
            .sort([("createdAt", order), ("_id", order)])
            .skip((page - 1) * limit)
            .limit(limit)
        )
        return [record_of(doc) async for doc in cursor], total

    async def record_counts(self, scope: Scope) -> dict[str, int]:
        """Records per status, and under "needsReview" the completed ones flagged for review."""
        counts: dict[str, int] = {}
        pipeline: list[Document] = [
            {"$match": {**scoped(scope), "deletedAt": None, **_COMMITTED}},
            {"$group": {"_id": "$status", "n": {"$sum": 1}, "review": {"$sum": {"$cond": ["$needsReview", 1, 0]}}}},
        ]
        async for row in await self._records.aggregate(pipeline):
            counts[row["_id"]] = row["n"]
            if row["_id"] == RecordStatus.COMPLETED:
                counts["needsReview"] = row["review"]
        return counts

    async def pending_records(self, older_than: datetime, limit: int) -> list[Record]:
        cursor = self._records.find(
            {"status": RecordStatus.PENDING, "createdAt": {"$lt": older_than}}, {"text": 0, "pages": 0}
        )  # see _INDEXED_ONLY
        found: list[Record] = []
        async with cursor:
            async for doc in cursor:
                if not doc.get(UNCOMMITTED):
                    found.append(record_of(doc))
                    if len(found) >= limit:
                        break
        return found

    async def mark_queued(self, record_ids: list[str], at: datetime) -> None:
        await self._records.update_many(
            {"_id": {"$in": [ObjectId(r) for r in record_ids]}, "status": RecordStatus.PENDING},
            {"$set": {"status": RecordStatus.QUEUED, "updatedAt": at}},
        )

    async def start_record(self, record_id: str, generation: int, delivery: int, at: datetime) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        await self._records.update_one(
            {"_id": key, "generation": generation, "status": {"$in": list(OPEN_RECORD_STATUSES)}},
            {
                "$set": {"status": RecordStatus.IN_PROGRESS, "attempts": delivery, "updatedAt": at},
                "$min": {"startedAt": at},
            },
        )  # a record final already, or a job of an earlier generation, is read unchanged
        doc = await self._records.find_one({"_id": key}, _LIGHT)
        return record_of(doc) if doc else None

    async def record_progress(
        self, record_id: str, generation: int, done: int, total: int, at: datetime
    ) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        doc = await self._records.find_one_and_update(
            {"_id": key, "generation": generation, "status": {"$in": list(OPEN_RECORD_STATUSES)}},
            {"$max": {"pagesDone": done}, "$set": {"pagesTotal": total, "updatedAt": at}},
            projection=_LIGHT,
            return_document=ReturnDocument.AFTER,
        )  # progress messages may come out of order: the count only grows
        return record_of(doc) if doc else None

    async def finish_record(self, record_id: str, generation: int, outcome: Outcome) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        fields: Document = {
            "status": outcome.status.value,
            "completedAt": outcome.at,
            "updatedAt": outcome.at,
            "attempts": max(outcome.attempts, 1),
        }
        if outcome.completed:
            fields |= {
                "text": outcome.text,
                "pages": [page_doc(p) for p in outcome.pages],
                "processingResult": outcome.processing_result,
                "fieldDetails": outcome.field_details,
                "needsReview": outcome.needs_review,
                "issuerKeys": outcome.issuer_keys,
                "quality": outcome.quality,
                "pagesDone": len(outcome.pages),
                "pagesTotal": len(outcome.pages),
                "error": None,
            }
            if outcome.parts:
                fields |= parts_fields(record_id, outcome.parts)
        else:
            fields["error"] = outcome.error or "processing failed"
        await self._records.update_one(
            {"_id": key, "generation": generation, "status": {"$in": list(OPEN_RECORD_STATUSES)}},
            {"$set": fields},
        )  # a record final already (a redelivered result) is read as it is
        doc = await self._records.find_one({"_id": key, "generation": generation}, _LIGHT)
        record = record_of(doc) if doc else None
        return record if record is not None and record.is_final else None

    async def requeue(
        self, scope: Scope, record_id: str, was: RecordStatus, at: datetime, *, discard_corrections: bool = False
    ) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        changes: Document = {
            "status": RecordStatus.PENDING,
            "error": None,
            "attempts": 0,
            "updatedAt": at,
            "retriedAt": at,
            "pagesDone": 0,  # the new reading counts its pages from none
        }
        if discard_corrections:
            changes["corrections"] = {}
        changes |= {"reviewedAt": None, "reviewedBy": ""}  # the new reading is nobody's reviewed one
        doc = await update_and_read(
            self._records,
            {"_id": key, **scoped(scope), "deletedAt": None, "status": was},
            {"$set": changes, "$inc": {"generation": 1}, "$unset": {"startedAt": "", "completedAt": ""}},
            {"text": 0, "pages": 0},  # its template snapshot goes with the job
        )
        return record_of(doc) if doc else None

    async def save_review(self, record: Record, at: datetime) -> bool:
        key = oid(record.id)
        if key is None:
            return False
        result = await self._records.update_one(
            {
                "_id": key,
                "generation": record.generation,
                "status": RecordStatus.COMPLETED,
                "updatedAt": record.updated_at,
                "deletedAt": None,
            },
            {"$set": {**reviewed_fields(record), "updatedAt": at}},
        )
        if result.matched_count != 1:
            return False
        if fields := record.result_fields():  # a corrected table may have columns the batch had not seen
            await self._batches.update_one(
                {"_id": oid(record.batch_id)}, {"$addToSet": {"resultFields": {"$each": fields}}}
            )
        return True

    async def record_state(self, record_id: str) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        doc = await self._records.find_one({"_id": key}, _READING)
        return record_of(doc) if doc else None

    # --- declared documents (Sensible-style batches) -----------------------------------------------
    async def declared_record(self, batch_id: str, seq: int) -> Record | None:
        doc = await self._records.find_one({"batchId": batch_id, "seq": seq}, _LIGHT)  # see _INDEXED_ONLY
        return record_of(doc) if doc and not doc.get(UNCOMMITTED) else None

    async def attach_upload(
        self,
        record_id: str,
        upload: Upload,
        template: templates_pb2.Template | None,
        at: datetime,
        candidates: list[CandidateType] | None = None,
    ) -> Record | None:
        doc = await update_and_read(
            self._records,
            {"_id": ObjectId(record_id), "status": RecordStatus.WAITING},
            {
                "$set": {
                    "status": RecordStatus.PENDING,
                    "templateSnapshot": template_doc(template),
                    "candidates": candidates_doc(candidates or []),
                    "uploadId": upload.id,
                    "blobId": upload.blob_id,
                    "fileSize": upload.file_size,
                    "mimeType": upload.mime_type,
                    "updatedAt": at,
                }
            },
        )
        if doc is None:
            return None
        await self._uploads.insert_one(upload_doc(upload))  # the batch lists it in document_uploaded
        return record_of(doc)

    async def fail_waiting(self, record_id: str, error: str, at: datetime) -> Record | None:
        key = oid(record_id)
        if key is None:
            return None
        doc = await update_and_read(
            self._records,
            {"_id": key, "status": RecordStatus.WAITING},
            {"$set": {"status": RecordStatus.FAILED, "error": error, "completedAt": at, "updatedAt": at}},
        )
        if doc is None:
            return None
        record = record_of(doc)
        await self._move_counters(
            record.batch_id,
            {"waitingFiles": {"$gt": 0}},
            {"$inc": {"waitingFiles": -1, "version": 1}, "$set": {"updatedAt": at}},
            at,
        )
        return record

    # --- what a crash leaves behind ------------------------------------------------------------------
    async def sweep(self, older_than: datetime, blobs_collection: str = "blobs.files") -> SweepReport:
        """Settles what uploads interrupted by a crash left behind, older than `older_than`: records whose
        batch exists are committed (the re-queue loop then publishes them); records and uploads whose batch
        never was are removed, and their files and files that no upload holds are reported for deletion."""
        report = SweepReport()
        # streamed uploads whose stream died with the process: no file came since older_than
        async for doc in self._batches.find({"receiving": True, "createdAt": {"$lt": older_than}}, {"_id": 1}):
            recent = {"batchId": str(doc["_id"]), "createdAt": {"$gte": older_than}}
            if not await self._records.count_documents(recent, limit=1):
                await self._batches.delete_one({"_id": doc["_id"], "receiving": True})
        stale: Document = {UNCOMMITTED: True, "createdAt": {"$lt": older_than}}
        batch_ids = {doc["batchId"] async for doc in self._records.find(stale, {"batchId": 1})}
        batch_ids |= {doc["batchId"] async for doc in self._uploads.find(stale, {"batchId": 1})}
        for batch_id in batch_ids:
            key = oid(batch_id)
            if key is not None and await self._batches.count_documents({"_id": key, "receiving": True}, limit=1):
                continue  # an upload still going on
            if key is not None and await self._batches.count_documents({"_id": key}, limit=1):
                result = await self._records.update_many({"batchId": batch_id}, {"$unset": {UNCOMMITTED: ""}})
                await self._uploads.update_many({"batchId": batch_id}, {"$unset": {UNCOMMITTED: ""}})
                report.committed += result.modified_count
                continue
            report.blob_ids += [doc["blobId"] async for doc in self._uploads.find({"batchId": batch_id}, {"blobId": 1})]
            report.removed += (await self._records.delete_many({"batchId": batch_id})).deleted_count
            await self._uploads.delete_many({"batchId": batch_id})
        files = self._database.db[blobs_collection].find({"uploadDate": {"$lt": older_than}}, {"_id": 1})
        async for doc in files:
            blob_id = str(doc["_id"])
            if blob_id not in report.blob_ids and not await self._uploads.count_documents({"blobId": blob_id}, limit=1):
                report.blob_ids.append(blob_id)
        return report
