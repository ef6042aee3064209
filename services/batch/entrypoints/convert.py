"""Stored documents to protobuf messages, at the servicer edge."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import common_pb2, tenancy_pb2
from services.common.convert import batch_status_to_proto, record_status_to_proto, to_struct, to_timestamp
from services.common.flatten import ordered_columns


def _set_optional(msg: Any, **fields: Any) -> None:
    for name, value in fields.items():
        if value is not None:
            field = getattr(msg, name)
            if hasattr(field, "CopyFrom"):
                field.CopyFrom(value)
            else:
                setattr(msg, name, value)


def batch_to_proto(doc: dict[str, Any]) -> common_pb2.Batch:
    msg = common_pb2.Batch(
        id=doc["id"],
        name=doc.get("name") or "",
        organization_id=doc.get("organizationId") or "",
        project_id=doc.get("projectId") or "",
        user_id=doc.get("userId") or "",
        template_id=doc.get("templateId") or "",
        template_name=doc.get("templateName") or "",
        total_files=doc.get("totalFiles", 0),
        completed_files=doc.get("completedFiles", 0),
        failed_files=doc.get("failedFiles", 0),
        status=batch_status_to_proto(doc.get("status")),
        progress=doc.get("progress", 0.0),
        upload_ids=doc.get("uploadIds", []),
        processing_history_ids=doc.get("processingHistoryIds", []),
        result_fields=ordered_columns(doc.get("resultFields") or []),
    )
    _set_optional(
        msg,
        metadata=to_struct(doc.get("metadata")),
        created_at=to_timestamp(doc.get("createdAt")),
        updated_at=to_timestamp(doc.get("updatedAt")),
    )
    return msg


def record_to_proto(doc: dict[str, Any]) -> common_pb2.Record:
    msg = common_pb2.Record(
        id=doc["id"],
        upload_id=doc.get("uploadId") or "",
        batch_id=doc.get("batchId") or "",
        organization_id=doc.get("organizationId") or "",
        project_id=doc.get("projectId") or "",
        user_id=doc.get("userId") or "",
        file_name=doc.get("fileName") or "",
        file_url=doc.get("fileUrl") or "",
        file_path=doc.get("filePath") or "",
        file_size=doc.get("fileSize", 0),
        mime_type=doc.get("mimeType") or "",
        status=record_status_to_proto(doc.get("status")),
        template_id=doc.get("templateId") or "",
        template_name=doc.get("templateName") or "",
        result_format=doc.get("resultFormat") or "",
        priority=doc.get("priority") or "",
        text=doc.get("text") or "",
        attempts=doc.get("attempts", 0),
        error=doc.get("error") or "",
    )
    for page in doc.get("pages") or []:
        msg.pages.append(
            common_pb2.Page(
                number=page["number"],
                width=page.get("width", 0),
                height=page.get("height", 0),
                source=page.get("source", ""),
                lines=[
                    common_pb2.Line(
                        text=line["text"],
                        confidence=line.get("confidence", 0.0),
                        box=[common_pb2.Point(x=x, y=y) for x, y in line.get("box", [])],
                    )
                    for line in page.get("lines", [])
                ],
            )
        )
    _set_optional(
        msg,
        processing_result=to_struct(doc.get("processingResult")),
        field_details=to_struct(doc.get("fieldDetails")),
        needs_review=bool(doc.get("needsReview")),
        retried_at=to_timestamp(doc.get("retriedAt")),
        started_at=to_timestamp(doc.get("startedAt")),
        completed_at=to_timestamp(doc.get("completedAt")),
        created_at=to_timestamp(doc.get("createdAt")),
        updated_at=to_timestamp(doc.get("updatedAt")),
    )
    return msg


def organization_to_proto(doc: dict[str, Any]) -> tenancy_pb2.Organization:
    msg = tenancy_pb2.Organization(id=doc["id"], name=doc.get("name", ""), credits=doc.get("credits", 0))
    _set_optional(msg, created_at=to_timestamp(doc.get("createdAt")))
    return msg


def project_to_proto(doc: dict[str, Any]) -> tenancy_pb2.Project:
    msg = tenancy_pb2.Project(id=doc["id"], organization_id=doc.get("organizationId", ""), name=doc.get("name", ""))
    _set_optional(msg, created_at=to_timestamp(doc.get("createdAt")))
    return msg


def api_key_to_proto(doc: dict[str, Any]) -> tenancy_pb2.ApiKey:
    msg = tenancy_pb2.ApiKey(
        id=doc["id"],
        organization_id=doc.get("organizationId", ""),
        project_id=doc.get("projectId") or "",
        name=doc.get("name", ""),
        prefix=doc.get("prefix", ""),
    )
    _set_optional(msg, created_at=to_timestamp(doc.get("createdAt")), revoked_at=to_timestamp(doc.get("revokedAt")))
    return msg
