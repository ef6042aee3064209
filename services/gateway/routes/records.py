"""Open API processing-history routes: one record with its result and timing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from ocrbatch.v1 import batch_pb2
from services.common.api_json import record_json
from services.gateway.auth import Principal, authenticate

router = APIRouter(prefix="/v1/openapi/processing-history", tags=["processing-history"])
Auth = Annotated[Principal, Depends(authenticate)]


@router.get("/{record_id}")
async def get_record(request: Request, principal: Auth, record_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(scope=principal.scope(projectId), record_id=record_id), timeout=30
    )
    return record_json(record)
