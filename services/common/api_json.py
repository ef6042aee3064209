"""Protobuf messages as the public API shows them: camelCase names and values of the reference documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ocrbatch.v1 import batch_pb2, common_pb2
from services.common.convert import (
    batch_status_name,
    in_field_order,
    iso_or_none,
    record_status_name,
    struct_to_dict,
    value_of,
)
from services.common.page_ranges import canonical


def batch_json(b: common_pb2.Batch, *, with_ids: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": b.id,
        "name": b.name,
        "projectId": b.project_id,
        "organizationId": b.organization_id,
        "userId": b.user_id or None,
        "templateId": b.template_id or None,
        "templateName": b.template_name or None,
        "metadata": struct_to_dict(b.metadata) if b.HasField("metadata") else {},
        "totalFiles": b.total_files,
        "completedFiles": b.completed_files,
        "failedFiles": b.failed_files,
        "status": batch_status_name(b.status),
        "progress": _number(b.progress),
    }
    if b.locale:  # shown when the upload gave one
        out["locale"] = b.locale
    if with_ids:
        out["uploadIds"] = list(b.upload_ids)
        out["processingHistoryIds"] = list(b.processing_history_ids)
    out["createdAt"] = iso_or_none(b.created_at, b.HasField("created_at"))
    out["updatedAt"] = iso_or_none(b.updated_at, b.HasField("updated_at"))
    return out


def pages_json(pages: Iterable[common_pb2.Page]) -> list[dict[str, Any]]:
    """Pages as stored and shown: lines with confidence to 4 decimals and boxes to 0.1 pixel, `inverted` on a
    line printed light on a dark fill, and on an OCR'd page the recognition `alphabet` that read it and, when it
    was given turned, its `rotation`."""
    return [
        {
            "number": p.number,
            "width": p.width,
            "height": p.height,
            "source": p.source,
            **({"alphabet": p.alphabet} if p.alphabet else {}),  # "latin", or "full" for Chinese and Japanese
            **({"rotation": p.rotation} if p.rotation else {}),  # turned this far clockwise: read upright
            "lines": [
                {
                    "text": line.text,
                    "confidence": round(line.confidence, 4),
                    "box": [[round(pt.x, 1), round(pt.y, 1)] for pt in line.box],
                }
                | ({"inverted": True} if line.inverted else {})  # printed light on a dark fill (a logo)
                for line in p.lines
            ],
        }
        for p in pages
    ]


def record_json(
    r: common_pb2.Record, *, text: bool = True, pages: bool = True, file_url: str | None = None
) -> dict[str, Any]:
    """A record as the API shows it; `file_url` is the gateway's signed download link of the original."""
    out: dict[str, Any] = {
        "id": r.id,
        "uploadId": r.upload_id,
        "batchId": r.batch_id,
        "projectId": r.project_id,
        "userId": r.user_id or None,
        "fileName": r.file_name,
        "fileUrl": file_url or r.file_url or None,
        "filePath": r.file_path,
        "fileSize": str(r.file_size),  # a string, as in the reference documents
        "mimeType": r.mime_type,
        "status": record_status_name(r.status),
        "templateId": r.template_id or None,
        "templateName": r.template_name or None,
        "resultFormat": r.result_format or "json",
        "priority": r.priority,
        # the reading quality asked for until the record is read, then the one that read it; null: the workers'
        # default, not read yet
        "quality": r.quality or None,
        "pageRange": r.page_range or None,  # the pages asked for at upload; null: every page
        "pagesDone": r.pages_done,  # pages read of pagesTotal: while it is read, then all of them
        "pagesTotal": r.pages_total,
        "processingResult": in_field_order(r.processing_result, r.field_names)
        if r.HasField("processing_result")
        else None,
        "fieldDetails": in_field_order(r.field_details, r.field_names) if r.HasField("field_details") else None,
        "needsReview": r.needs_review,
        "reviewedAt": iso_or_none(r.reviewed_at, r.HasField("reviewed_at")),
        "reviewedBy": r.reviewed_by or None,
        "attempts": r.attempts,
        "error": r.error or None,
    }
    if r.candidate_types:  # classified among templates (templateIds, portfolioDocTypes)
        out["candidateTypes"] = list(r.candidate_types)
        out["parts"] = [part_json(part) for part in r.parts]
        out["classificationConfidence"] = round(r.parts[0].confidence, 4) if len(r.parts) == 1 else None
    if text:
        out["text"] = r.text
    if pages:
        out["pages"] = pages_json(r.pages)
    out["startedAt"] = iso_or_none(r.started_at, r.HasField("started_at"))
    out["completedAt"] = iso_or_none(r.completed_at, r.HasField("completed_at"))
    out["createdAt"] = iso_or_none(r.created_at, r.HasField("created_at"))
    out["updatedAt"] = iso_or_none(r.updated_at, r.HasField("updated_at"))
    return out


def part_json(part: common_pb2.DocumentPart) -> dict[str, Any]:
    """One document found in a classified file: its own extraction."""
    return {
        "id": part.id,
        "type": part.type,
        "templateId": part.template_id or None,
        "templateName": part.template_name or None,
        "pageRange": canonical(list(range(part.start_page, part.end_page + 1))),
        "startPage": part.start_page,
        "endPage": part.end_page,
        "classificationConfidence": round(part.confidence, 4),
        "scores": struct_to_dict(part.scores) if part.HasField("scores") else {},
        "processingResult": in_field_order(part.processing_result, part.field_names)
        if part.HasField("processing_result")
        else None,
        "fieldDetails": in_field_order(part.field_details, part.field_names)
        if part.HasField("field_details")
        else None,
        "needsReview": part.needs_review,
    }


def correction_json(c: batch_pb2.Correction) -> dict[str, Any]:
    """One change of a record's log: a field's correction (old → new), an approval, or a discarded correction."""
    return {
        "kind": c.kind,
        "field": c.field or None,
        "old": value_of(c.old_value),
        "new": value_of(c.new_value),
        "by": c.by,
        "at": iso_or_none(c.at, c.HasField("at")),
    }


def pagination_json(p: common_pb2.Pagination) -> dict[str, int]:
    return {"page": p.page, "limit": p.limit, "total": p.total, "pages": p.pages}


def _number(value: float) -> float | int:
    """66.67 stays 66.67; 100.0 is shown as 100, as in the reference examples."""
    return int(value) if float(value).is_integer() else value


SENSIBLE_STATUS = {"waiting": "WAITING", "completed": "COMPLETE", "failed": "FAILED"}  # anything else: PROCESSING


def sensible_document(record: common_pb2.Record) -> dict[str, Any]:
    """A record as Sensible shows an extraction (GET /v0/documents/{id}, and a single-document webhook's body)."""
    status = SENSIBLE_STATUS.get(record_status_name(record.status), "PROCESSING")
    out: dict[str, Any] = {
        "id": record.id,
        "created": iso_or_none(record.created_at, record.HasField("created_at")),
        "completed": iso_or_none(record.completed_at, record.HasField("completed_at")),
        "status": status,
        "type": record.doc_type or record.template_name or record.template_id,  # the docType as the batch gave it
        "document_name": record.file_name,
        "parsed_document": in_field_order(record.processing_result, record.field_names)
        if record.HasField("processing_result")
        else None,
        "batchId": record.batch_id,
    }
    if record.candidate_types:  # a portfolio: the documents found in it, as Sensible lists a portfolio's
        out["types"] = list(record.candidate_types)
        out["documents"] = [
            {
                "documentType": part.type,
                "startPage": part.start_page - 1,  # zero-based, inclusive, as Sensible counts pages
                "endPage": part.end_page - 1,
                "classificationConfidence": round(part.confidence, 4),
                "output": {
                    "parsedDocument": in_field_order(part.processing_result, part.field_names)
                    if part.HasField("processing_result")
                    else None
                },
            }
            for part in record.parts
        ]
        if len(record.parts) == 1 and record.parts[0].type:
            out["type"] = record.parts[0].type
    if status == "FAILED":
        out["error"] = record.error
    return out
