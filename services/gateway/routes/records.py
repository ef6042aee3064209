"""Open API processing-history routes: one record with its result and timing, and its result as a file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from ocrbatch.v1 import batch_pb2, export_pb2
from services.common.api_json import record_json
from services.gateway.auth import Principal, authenticate
from services.gateway.streaming import stream_export

router = APIRouter(prefix="/v1/openapi/processing-history", tags=["processing-history"])
Auth = Annotated[Principal, Depends(authenticate)]


@router.get("/{record_id}")
async def get_record(request: Request, principal: Auth, record_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(scope=principal.scope(projectId), record_id=record_id), timeout=30
    )
    return record_json(record)


@router.get("/{record_id}/result")
async def get_record_result(
    request: Request,
    principal: Auth,
    record_id: str,
    format: str = "",  # noqa: A002 (API parameter name); empty: the template's resultFormat, else json
    projectId: str | None = None,  # noqa: N803
) -> StreamingResponse:
    call = request.app.state.backends.exports.ExportRecord(
        export_pb2.ExportRecordRequest(scope=principal.scope(projectId), record_id=record_id, format=format)
    )
    return await stream_export(call)
