"""Open API processing-history routes: filtered list, stats, one record, its result as a file, retry, and
people's corrections (PATCH a record's fields, approve it, list its changes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from ocrbatch.v1 import batch_pb2, export_pb2
from services.common.api_json import correction_json, pagination_json, record_json
from services.common.convert import RECORD_STATUS_NAMES, record_status_to_proto, to_struct
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError
from services.gateway.organization import mirror
from services.gateway.routes.batches import page_params
from services.gateway.routes.files import file_url
from services.gateway.streaming import stream_export

router = APIRouter(prefix="/v1/openapi/processing-history", tags=["processing-history"])
Auth = Annotated[Principal, Depends(authenticate)]


@router.get("")
async def list_records(
    request: Request,
    principal: Auth,
    projectId: str | None = None,  # noqa: N803 (API field names)
    page: int = 1,
    limit: int = 10,
    status: str | None = None,
    templateId: str = "",  # noqa: N803
    fromDate: str = "",  # noqa: N803
    toDate: str = "",  # noqa: N803
    search: str = "",
    batchId: str = "",  # noqa: N803
    needsReview: bool | None = None,  # noqa: N803
    order: str = "desc",
) -> dict:
    page, limit = page_params(page, limit)
    if status and status not in RECORD_STATUS_NAMES:
        raise ApiError(400, f"status must be one of: {', '.join(RECORD_STATUS_NAMES)}")
    if order not in ("asc", "desc"):
        raise ApiError(400, "order must be asc (oldest first) or desc (newest first)")
    reply = await request.app.state.backends.batches.ListRecords(
        batch_pb2.ListRecordsRequest(
            scope=await principal.scope(projectId),
            page=page,
            limit=limit,
            status=record_status_to_proto(status),
            template_id=templateId,
            from_date=fromDate,
            to_date=toDate,
            search=search,
            batch_id=batchId,
            **({} if needsReview is None else {"needs_review": needsReview}),
            oldest_first=order == "asc",
        ),
        timeout=30,
    )
    return {
        "data": [record_json(r, text=False, pages=False, file_url=file_url(request, r.id)) for r in reply.data],
        "pagination": pagination_json(reply.pagination),
    }


@router.get("/stats")
async def record_stats(request: Request, principal: Auth, projectId: str | None = None) -> dict:  # noqa: N803
    reply = await request.app.state.backends.batches.RecordStats(
        batch_pb2.RecordStatsRequest(scope=await principal.scope(projectId)), timeout=30
    )
    return {
        "total": reply.total,
        "pending": reply.pending,
        "processing": reply.processing,
        "completed": reply.completed,
        "failed": reply.failed,
        "needsReview": reply.needs_review,
    }


@router.post("/{record_id}/retry")
async def retry_record(
    request: Request,
    principal: Auth,
    record_id: str,
    projectId: str | None = None,  # noqa: N803
    discardCorrections: bool = False,  # noqa: N803
) -> dict:
    """Reads a failed or completed record again; people's corrections stay over the new reading unless
    discardCorrections=true."""
    record = await request.app.state.backends.batches.RetryRecord(
        batch_pb2.RetryRecordRequest(
            scope=await principal.scope(projectId),
            record_id=record_id,
            discard_corrections=discardCorrections,
            actor=actor(principal),
        ),
        timeout=30,
    )
    return record_json(record, text=False, pages=False, file_url=file_url(request, record.id))


class RecordCorrection(BaseModel):
    """What a person changes on a completed record."""

    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Any] = Field(
        default_factory=dict,
        max_length=100,
        description='field name → its right value: a money field takes 12.5 or "12,50", a date "2024-05-18", '
        "a table field its whole list of rows; null clears a value",
    )
    approve: StrictBool = Field(False, description="the record is reviewed: it no longer needs review")


def actor(principal: Principal) -> str:
    """Who makes a change, as the correction log shows it."""
    return f"user:{principal.user_id}" if principal.user_id else f"apiKey:{principal.key_id}"


@router.patch("/{record_id}")
async def correct_record(
    request: Request,
    principal: Auth,
    record_id: str,
    body: RecordCorrection,
    projectId: str | None = None,  # noqa: N803
) -> dict:
    """Corrects a completed record's fields and/or approves it. Each corrected field keeps what was extracted
    in its fieldDetails (`extracted`), and teaches the project's next documents from the same issuer."""
    try:
        fields = to_struct(body.fields)
    except (OverflowError, ValueError) as exc:
        raise ApiError(400, f"fields: not representable as JSON values ({exc})") from None
    record = await request.app.state.backends.batches.CorrectRecord(
        batch_pb2.CorrectRecordRequest(
            scope=await principal.scope(projectId),
            record_id=record_id,
            fields=fields,
            approve=body.approve,
            actor=actor(principal),
        ),
        timeout=30,
    )
    return record_json(record, text=False, pages=False, file_url=file_url(request, record.id))


@router.get("/{record_id}/corrections")
async def list_corrections(request: Request, principal: Auth, record_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    """Every change people made to the record, oldest first: corrections, approvals, and corrections a retry
    discarded."""
    reply = await request.app.state.backends.batches.ListCorrections(
        batch_pb2.GetRecordRequest(scope=await principal.scope(projectId), record_id=record_id), timeout=30
    )
    return {"data": [correction_json(c) for c in reply.data]}


@router.get("/{record_id}")
async def get_record(request: Request, principal: Auth, record_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(scope=await principal.scope(projectId), record_id=record_id), timeout=30
    )
    return record_json(record, file_url=file_url(request, record.id))


@router.get("/{record_id}/result")
async def get_record_result(
    request: Request,
    principal: Auth,
    record_id: str,
    format: str = "",  # noqa: A002 (API parameter name); empty: the template's resultFormat, else json
    projectId: str | None = None,  # noqa: N803
) -> StreamingResponse:
    call = request.app.state.backends.exports.ExportRecord(
        export_pb2.ExportRecordRequest(scope=await principal.scope(projectId), record_id=record_id, format=format)
    )
    return await stream_export(call)


# The REST reference's routes (Bearer login token or API key): the same endpoints under their paths.
rest_router = APIRouter(prefix="/processing-history", tags=["processing-history (REST reference)"])
rest_router.add_api_route("", list_records, methods=["GET"], name="rest_list_records")
rest_router.add_api_route("/{record_id}", get_record, methods=["GET"], name="rest_get_record")
rest_router.add_api_route("/{record_id}", correct_record, methods=["PATCH"], name="rest_correct_record")
rest_router.add_api_route("/{record_id}/corrections", list_corrections, methods=["GET"], name="rest_list_corrections")

# The organization API: the same routes under /batch/{orgId}/processing-history/…
org_router = APIRouter(prefix="/batch/{orgId}/processing-history", tags=["organization processing-history"])
mirror(router, org_router)
