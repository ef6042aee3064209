"""Entities as the protobuf messages of the gRPC contract."""

from __future__ import annotations

from datetime import datetime

from google.protobuf import timestamp_pb2

from ocrbatch.v1 import batch_pb2, common_pb2, tenancy_pb2
from services.batch.domain.corrections import Change
from services.batch.domain.model import ApiKey, Batch, Organization, Project, Record, User
from services.common.convert import batch_status_to_proto, record_status_to_proto, to_struct, to_value
from services.common.flatten import ordered_columns


def stamp(value: datetime | None) -> timestamp_pb2.Timestamp | None:
    if value is None:
        return None
    message = timestamp_pb2.Timestamp()
    message.FromDatetime(value)
    return message


def batch_message(b: Batch) -> common_pb2.Batch:
    return common_pb2.Batch(
        id=b.id,
        name=b.name,
        organization_id=b.organization_id,
        project_id=b.project_id,
        user_id=b.user_id,
        template_id=b.template_id or "",
        template_name=b.template_name or "",
        metadata=to_struct(b.metadata),
        total_files=b.total_files,
        completed_files=b.completed_files,
        failed_files=b.failed_files,
        status=batch_status_to_proto(b.status),
        progress=b.progress,
        upload_ids=b.upload_ids,
        processing_history_ids=b.record_ids,
        result_fields=ordered_columns(b.result_fields),
        description=b.description,
        waiting_files=b.waiting_files,
        locale=b.locale,
        portfolio_doc_types=[c.type for c in b.candidates],
        created_at=stamp(b.created_at),
        updated_at=stamp(b.updated_at),
    )


def record_message(r: Record) -> common_pb2.Record:
    return common_pb2.Record(
        id=r.id,
        upload_id=r.upload_id,
        batch_id=r.batch_id,
        organization_id=r.organization_id,
        project_id=r.project_id,
        user_id=r.user_id,
        file_name=r.file_name,
        file_url=r.file_url or "",
        file_path=r.file_path,
        file_size=r.file_size,
        mime_type=r.mime_type,
        status=record_status_to_proto(r.status),
        template_id=r.template_id or "",
        template_name=r.template_name or "",
        result_format=r.result_format,
        priority=r.priority,
        text=r.text or "",
        pages=r.pages,
        processing_result=to_struct(r.processing_result),
        field_names=list(r.processing_result or {}),
        field_details=to_struct(r.field_details),
        needs_review=r.needs_review,
        quality=r.quality or r.quality_asked,
        page_range=r.page_range,
        pages_done=r.pages_done,
        pages_total=r.pages_total,
        doc_type=r.doc_type,
        candidate_types=[c.type for c in r.candidates],
        parts=r.parts,
        one_document=r.one_document,
        attempts=r.attempts,
        error=r.error or "",
        retried_at=stamp(r.retried_at),
        reviewed_at=stamp(r.reviewed_at),
        reviewed_by=r.reviewed_by,
        started_at=stamp(r.started_at),
        completed_at=stamp(r.completed_at),
        created_at=stamp(r.created_at),
        updated_at=stamp(r.updated_at),
    )


def change_message(c: Change) -> batch_pb2.Correction:
    return batch_pb2.Correction(
        record_id=c.record_id,
        field=c.field,
        old_value=to_value(c.old),
        new_value=to_value(c.new),
        by=c.by,
        at=stamp(c.at),
        kind=c.kind,
    )


def organization_message(o: Organization) -> tenancy_pb2.Organization:
    return tenancy_pb2.Organization(id=o.id, name=o.name, credits=o.credits, created_at=stamp(o.created_at))


def project_message(p: Project) -> tenancy_pb2.Project:
    return tenancy_pb2.Project(
        id=p.id, organization_id=p.organization_id, name=p.name, locale=p.locale, created_at=stamp(p.created_at)
    )


def api_key_message(k: ApiKey) -> tenancy_pb2.ApiKey:
    return tenancy_pb2.ApiKey(
        id=k.id,
        organization_id=k.organization_id,
        project_id=k.project_id or "",
        name=k.name,
        prefix=k.prefix,
        created_at=stamp(k.created_at),
        revoked_at=stamp(k.revoked_at),
    )


def user_message(u: User) -> tenancy_pb2.User:
    return tenancy_pb2.User(
        id=u.id,
        organization_id=u.organization_id,
        email=u.email,
        name=u.name,
        created_at=stamp(u.created_at),
        disabled_at=stamp(u.disabled_at),
    )
