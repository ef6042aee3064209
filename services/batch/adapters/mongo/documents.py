"""Entities as MongoDB documents and back: the only place that knows the stored field names.

Documents keep the API's camelCase names; `_id` is an ObjectId. Recognised pages and template snapshots
are stored as their protobuf's canonical JSON (json_format), so they convert without hand-written code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import Int64, ObjectId
from bson.errors import InvalidId
from google.protobuf.json_format import MessageToDict, ParseDict

from ocrbatch.v1 import common_pb2, templates_pb2
from services.batch.domain.corrections import Anchor, Change, Example, FieldCorrection
from services.batch.domain.model import (
    ApiKey,
    Batch,
    CandidateType,
    LocaleChoice,
    Organization,
    Project,
    Record,
    Scope,
    Upload,
    User,
)
from services.batch.domain.rules import BatchStatus, RecordStatus

Document = dict[str, Any]


def oid(value: str) -> ObjectId | None:
    """The ObjectId of an id from outside, or None when it cannot be one (then nothing matches it)."""
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


def scoped(scope: Scope) -> Document:
    return {"organizationId": scope.organization_id, "projectId": scope.project_id}


def page_doc(page: common_pb2.Page) -> Document:
    return MessageToDict(page)


def page_of(doc: Document) -> common_pb2.Page:
    return ParseDict(doc, common_pb2.Page(), ignore_unknown_fields=True)


def candidates_doc(candidates: list[CandidateType]) -> list[Document]:
    return [{"type": c.type, "template": template_doc(c.template)} for c in candidates]


def candidates_of(docs: list[Document] | None) -> list[CandidateType]:
    return [CandidateType(d["type"], template_of(d.get("template")) or templates_pb2.Template()) for d in docs or []]


def part_doc(part: common_pb2.DocumentPart) -> Document:
    return MessageToDict(part)


def part_of(doc: Document) -> common_pb2.DocumentPart:
    return ParseDict(doc, common_pb2.DocumentPart(), ignore_unknown_fields=True)


def parts_fields(record_id: str, parts: list[common_pb2.DocumentPart]) -> Document:
    """A classified record's documents, each with its id; a file of one document takes its template."""
    stored = []
    for n, part in enumerate(parts, 1):
        copy = common_pb2.DocumentPart()
        copy.CopyFrom(part)
        copy.id = f"{record_id}-{n}"
        stored.append(part_doc(copy))
    only = parts[0] if len(parts) == 1 and parts[0].template_id else None
    # several documents (or one of no type): the record has no template of its own, whatever an earlier reading had
    return {
        "parts": stored,
        "templateId": only.template_id if only else None,
        "templateName": only.template_name if only else None,
    }


def template_doc(template: templates_pb2.Template | None) -> Document | None:
    return MessageToDict(template) if template is not None else None


def template_of(doc: Document | None) -> templates_pb2.Template | None:
    return ParseDict(doc, templates_pb2.Template(), ignore_unknown_fields=True) if doc else None


def batch_doc(batch: Batch) -> Document:
    return {
        "_id": ObjectId(batch.id),
        "name": batch.name,
        "organizationId": batch.organization_id,
        "projectId": batch.project_id,
        "userId": batch.user_id,
        "templateId": batch.template_id,
        "templateName": batch.template_name,
        "metadata": batch.metadata,
        "priority": batch.priority,
        "locale": batch.locale,
        "totalFiles": batch.total_files,
        "completedFiles": batch.completed_files,
        "failedFiles": batch.failed_files,
        "status": batch.status.value,
        "uploadIds": batch.upload_ids,
        "processingHistoryIds": batch.record_ids,
        "resultFields": batch.result_fields,
        COUNTED: counted_words(batch.counted_seqs),
        "description": batch.description,
        "waitingFiles": batch.waiting_files,
        "templateSnapshot": template_doc(batch.template_snapshot),
        "candidates": candidates_doc(batch.candidates),
        "deletedAt": batch.deleted_at,
        "receiving": batch.receiving,
        "createdAt": batch.created_at,
        "updatedAt": batch.updated_at,
        "version": batch.version,
        "documentWebhook": batch.document_webhook,
    }


def batch_of(doc: Document) -> Batch:
    return Batch(
        id=str(doc["_id"]),
        name=doc.get("name") or "",
        organization_id=doc["organizationId"],
        project_id=doc["projectId"],
        user_id=doc.get("userId") or "",
        template_id=doc.get("templateId"),
        template_name=doc.get("templateName"),
        metadata=doc.get("metadata") or {},
        priority=doc.get("priority") or "medium",
        locale=doc.get("locale") or "",  # batches stored before locales: none given
        total_files=doc.get("totalFiles", 0),
        completed_files=doc.get("completedFiles", 0),
        failed_files=doc.get("failedFiles", 0),
        status=BatchStatus(doc.get("status") or BatchStatus.UPLOADING),
        upload_ids=list(doc.get("uploadIds") or []),
        record_ids=list(doc.get("processingHistoryIds") or []),
        result_fields=list(doc.get("resultFields") or []),
        counted_seqs=counted_seqs_of(doc.get(COUNTED) or {}),
        description=doc.get("description") or "",
        waiting_files=doc.get("waitingFiles", 0),
        template_snapshot=template_of(doc.get("templateSnapshot")),
        candidates=candidates_of(doc.get("candidates")),
        deleted_at=doc.get("deletedAt"),
        receiving=bool(doc.get("receiving")),
        created_at=doc["createdAt"],
        updated_at=doc.get("updatedAt") or doc["createdAt"],
        version=doc.get("version", 0),
        document_webhook=doc.get("documentWebhook"),
    )


# Which records are counted into a batch: a bitmap of their seqs, bit (seq mod 62) of word (seq div 62) as
# an Int64 under COUNTED — at most 81 words for 5,000 records. A count sets its bit in the same guarded update
# that moves the counters (`counted_bit`), so a redelivered result counts nothing. Batches stored before
# 2026-11-26 listed the counted record ids instead (LEGACY_COUNTED, still honoured by the guards).
COUNTED = "countedSeqs"
LEGACY_COUNTED = "countedRecordIds"
SEQS_PER_WORD = 62


def counted_bit(seq: int) -> tuple[str, int, Int64]:
    """The field of seq's bit, its position (for the $bits… query operators, as a position: MongoDB before 7.3
    takes a numeric bitmask of 31 bits at most) and its mask (for $bit)."""
    word, bit = divmod(seq, SEQS_PER_WORD)
    return f"{COUNTED}.{word}", bit, Int64(1 << bit)


def counted_words(seqs: set[int]) -> dict[str, Int64]:
    words: dict[str, int] = {}
    for seq in seqs:
        word, bit = divmod(seq, SEQS_PER_WORD)
        words[str(word)] = words.get(str(word), 0) | 1 << bit
    return {word: Int64(bits) for word, bits in words.items()}


def counted_seqs_of(words: dict[str, int]) -> set[int]:
    return {
        int(word) * SEQS_PER_WORD + bit
        for word, bits in words.items()
        for bit in range(SEQS_PER_WORD)
        if bits >> bit & 1
    }


BATCH_CHANGES = (
    "completedFiles",
    "failedFiles",
    "status",
    "resultFields",
    "updatedAt",
    "description",
    "waitingFiles",
)
# what closing a streamed upload changes besides (never changed concurrently: nothing else runs on a batch
# that is still receiving but results being counted, which change() serialises)
UPLOAD_CLOSE_CHANGES = (*BATCH_CHANGES, "receiving", "totalFiles", "uploadIds", "processingHistoryIds")


def upload_doc(upload: Upload) -> Document:
    return {
        "_id": ObjectId(upload.id),
        "batchId": upload.batch_id,
        "organizationId": upload.organization_id,
        "projectId": upload.project_id,
        "fileName": upload.file_name,
        "fileSize": upload.file_size,
        "mimeType": upload.mime_type,
        "blobId": upload.blob_id,
        "sha256": upload.sha256,
        "createdAt": upload.created_at,
    }


def record_doc(record: Record) -> Document:
    return {
        "_id": ObjectId(record.id),
        "uploadId": record.upload_id,
        "batchId": record.batch_id,
        "seq": record.seq,
        "organizationId": record.organization_id,
        "projectId": record.project_id,
        "userId": record.user_id,
        "fileName": record.file_name,
        "fileUrl": record.file_url,
        "filePath": record.file_path,
        "fileSize": record.file_size,
        "mimeType": record.mime_type,
        "blobId": record.blob_id,
        "status": record.status.value,
        "templateId": record.template_id,
        "templateName": record.template_name,
        "templateSnapshot": template_doc(record.template_snapshot),
        "locale": record.locale.tag,
        "localeSource": record.locale.source,
        "qualityAsked": record.quality_asked,
        "pageRange": record.page_range,
        "pagesDone": record.pages_done,
        "pagesTotal": record.pages_total,
        "docType": record.doc_type,
        "quality": record.quality,
        "resultFormat": record.result_format,
        "priority": record.priority,
        "attempts": record.attempts,
        "generation": record.generation,
        "error": record.error,
        "text": record.text,
        "pages": [page_doc(p) for p in record.pages],
        **reviewed_fields(record),
        "issuerKeys": record.issuer_keys,
        "candidates": candidates_doc(record.candidates),
        "parts": [part_doc(p) for p in record.parts],
        "oneDocument": record.one_document,
        "deletedAt": None,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
    } | {  # absent rather than null until they happen ($min on startedAt would keep a null)
        name: value
        for name, value in (
            ("startedAt", record.started_at),
            ("completedAt", record.completed_at),
            ("retriedAt", record.retried_at),
        )
        if value is not None
    }


def record_of(doc: Document) -> Record:
    return Record(
        id=str(doc["_id"]),
        upload_id=doc.get("uploadId") or "",
        batch_id=doc["batchId"],
        seq=doc.get("seq", 0),
        organization_id=doc["organizationId"],
        project_id=doc["projectId"],
        user_id=doc.get("userId") or "",
        file_name=doc.get("fileName") or "",
        file_url=doc.get("fileUrl"),
        file_path=doc.get("filePath") or "",
        file_size=doc.get("fileSize", 0),
        mime_type=doc.get("mimeType") or "",
        blob_id=doc.get("blobId") or "",
        status=RecordStatus(doc.get("status") or RecordStatus.PENDING),
        template_id=doc.get("templateId"),
        template_name=doc.get("templateName"),
        template_snapshot=template_of(doc.get("templateSnapshot")),
        locale=LocaleChoice(doc.get("locale") or "", doc.get("localeSource") or ""),  # none on older records
        quality_asked=doc.get("qualityAsked") or "",  # none on older records: the workers' default
        quality=doc.get("quality") or "",
        page_range=doc.get("pageRange") or "",  # none on older records: every page
        pages_done=doc.get("pagesDone") or 0,
        pages_total=doc.get("pagesTotal") or 0,
        doc_type=doc.get("docType") or "",
        result_format=doc.get("resultFormat") or "json",
        priority=doc.get("priority") or "medium",
        attempts=doc.get("attempts", 0),
        generation=doc.get("generation", 1),
        error=doc.get("error"),
        text=doc.get("text"),
        pages=[page_of(p) for p in doc.get("pages") or []],
        processing_result=doc.get("processingResult"),
        field_details=doc.get("fieldDetails"),
        needs_review=bool(doc.get("needsReview")),
        corrections=corrections_of(doc.get("corrections")),  # none on records stored before corrections
        reviewed_at=doc.get("reviewedAt"),
        reviewed_by=doc.get("reviewedBy") or "",
        issuer_keys=list(doc.get("issuerKeys") or []),
        candidates=candidates_of(doc.get("candidates")),
        parts=[part_of(p) for p in doc.get("parts") or []],
        one_document=bool(doc.get("oneDocument")),
        started_at=doc.get("startedAt"),
        completed_at=doc.get("completedAt"),
        retried_at=doc.get("retriedAt"),
        created_at=doc["createdAt"],
        updated_at=doc.get("updatedAt") or doc["createdAt"],
    )


def reviewed_fields(record: Record) -> Document:
    """What a person's review of a completed record changes: its values and their details, whether it needs
    review, the corrections kept over its readings, who approved it and when."""
    return {
        "processingResult": record.processing_result,
        "fieldDetails": record.field_details,
        "needsReview": record.needs_review,
        "corrections": corrections_doc(record.corrections),
        "reviewedAt": record.reviewed_at,
        "reviewedBy": record.reviewed_by,
    }


def corrections_doc(corrections: dict[str, FieldCorrection]) -> Document:
    return {
        name: {"value": c.value, "by": c.by, "at": c.at, "page": c.page, "box": c.box}
        for name, c in corrections.items()
    }


def corrections_of(doc: Document | None) -> dict[str, FieldCorrection]:
    return {
        name: FieldCorrection(c.get("value"), c.get("by") or "", c["at"], c.get("page"), c.get("box"))
        for name, c in (doc or {}).items()
    }


def change_doc(change: Change) -> Document:
    return {
        "recordId": change.record_id,
        "organizationId": change.organization_id,
        "projectId": change.project_id,
        "batchId": change.batch_id,
        "kind": change.kind,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "by": change.by,
        "at": change.at,
    }


def change_of(doc: Document) -> Change:
    return Change(
        record_id=doc["recordId"],
        organization_id=doc["organizationId"],
        project_id=doc["projectId"],
        batch_id=doc.get("batchId") or "",
        kind=doc.get("kind") or "correction",
        by=doc.get("by") or "",
        at=doc["at"],
        field=doc.get("field") or "",
        old=doc.get("old"),
        new=doc.get("new"),
    )


def example_doc(example: Example) -> Document:
    return {
        "organizationId": example.organization_id,
        "projectId": example.project_id,
        "recordId": example.record_id,
        "batchId": example.batch_id,
        "issuerId": example.issuer_id,
        "templateId": example.template_id,
        "field": example.field,
        "value": example.value,
        "issuerKeys": example.issuer_keys,
        "printed": example.printed,
        "label": example.label,
        "how": example.how,
        "x": example.x,
        "y": example.y,
        "format": example.format,
        "text": example.text,
        "rejected": anchor_doc(example.rejected),
        "at": example.at,
    }


def anchor_doc(anchor: Anchor | None) -> Document | None:
    if anchor is None:
        return None
    return {
        "page": anchor.page,
        "box": anchor.box,
        "label": anchor.label,
        "how": anchor.how,
        "x": anchor.x,
        "y": anchor.y,
        "format": anchor.format,
        "text": anchor.text,
    }


def anchor_of_doc(doc: Document | None) -> Anchor | None:
    if not doc:
        return None
    return Anchor(
        int(doc.get("page") or 1),
        doc.get("box") or [],
        doc.get("label") or "",
        doc.get("how") or "",
        float(doc.get("x") or 0.0),
        float(doc.get("y") or 0.0),
        doc.get("format") or "",
        doc.get("text") or "",
    )


def example_of(doc: Document) -> Example:
    return Example(
        organization_id=doc["organizationId"],
        project_id=doc["projectId"],
        record_id=doc["recordId"],
        batch_id=doc.get("batchId") or "",
        issuer_id=doc.get("issuerId") or "",
        template_id=doc.get("templateId") or "",
        field=doc["field"],
        value=doc.get("value"),
        issuer_keys=list(doc.get("issuerKeys") or []),
        at=doc["at"],
        printed=bool(doc.get("printed")),
        label=doc.get("label") or "",
        how=doc.get("how") or "",
        x=float(doc.get("x") or 0.0),
        y=float(doc.get("y") or 0.0),
        format=doc.get("format") or "",
        text=doc.get("text") or "",
        rejected=anchor_of_doc(doc.get("rejected")),
    )


def template_stored(scope: Scope, template: templates_pb2.Template, at: datetime) -> Document:
    """A project's template: its protobuf JSON (less what the store owns) beside the bookkeeping fields."""
    body = MessageToDict(template)
    for key in ("id", "projectId", "builtin", "createdAt", "updatedAt"):
        body.pop(key, None)
    return {**body, **scoped(scope), "updatedAt": at}


_TEMPLATE_BOOKKEEPING = ("_id", "organizationId", "projectId", "createdAt", "updatedAt", "deletedAt")


def template_from(doc: Document) -> templates_pb2.Template:
    body = {k: v for k, v in doc.items() if k not in _TEMPLATE_BOOKKEEPING}
    template = ParseDict(body, templates_pb2.Template(), ignore_unknown_fields=True)
    template.id = str(doc["_id"])
    template.project_id = doc.get("projectId", "")
    template.created_at.FromDatetime(doc["createdAt"])
    template.updated_at.FromDatetime(doc.get("updatedAt") or doc["createdAt"])
    return template


def organization_doc(o: Organization) -> Document:
    return {"_id": ObjectId(o.id), "name": o.name, "credits": o.credits, "createdAt": o.created_at}


def organization_of(doc: Document) -> Organization:
    return Organization(
        id=str(doc["_id"]), name=doc.get("name", ""), credits=doc.get("credits", 0), created_at=doc["createdAt"]
    )


def project_doc(p: Project) -> Document:
    return {
        "_id": ObjectId(p.id),
        "organizationId": p.organization_id,
        "name": p.name,
        "locale": p.locale,
        "createdAt": p.created_at,
    }


def project_of(doc: Document) -> Project:
    return Project(
        id=str(doc["_id"]),
        organization_id=doc["organizationId"],
        name=doc.get("name", ""),
        locale=doc.get("locale") or "",  # projects stored before locales: none
        created_at=doc["createdAt"],
    )


def user_doc(u: User) -> Document:
    return {
        "_id": ObjectId(u.id),
        "organizationId": u.organization_id,
        "email": u.email,
        "name": u.name,
        "passwordHash": u.password_hash,
        "disabledAt": u.disabled_at,
        "createdAt": u.created_at,
    }


def user_of(doc: Document) -> User:
    return User(
        id=str(doc["_id"]),
        organization_id=doc["organizationId"],
        email=doc["email"],
        name=doc.get("name", ""),
        password_hash=doc.get("passwordHash", ""),
        disabled_at=doc.get("disabledAt"),
        created_at=doc["createdAt"],
    )


def api_key_doc(k: ApiKey) -> Document:
    return {
        "_id": ObjectId(k.id),
        "organizationId": k.organization_id,
        "projectId": k.project_id,
        "name": k.name,
        "keyHash": k.key_hash,
        "prefix": k.prefix,
        "revokedAt": k.revoked_at,
        "createdAt": k.created_at,
    }


def api_key_of(doc: Document) -> ApiKey:
    return ApiKey(
        id=str(doc["_id"]),
        organization_id=doc["organizationId"],
        project_id=doc.get("projectId"),
        name=doc.get("name", ""),
        key_hash=doc.get("keyHash", ""),
        prefix=doc.get("prefix", ""),
        revoked_at=doc.get("revokedAt"),
        created_at=doc["createdAt"],
    )
