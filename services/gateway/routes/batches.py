"""Batch routes: upload, list, detail, soft delete, export; on the Open API and the organization API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from ocrbatch.v1 import batch_pb2, common_pb2, export_pb2
from services.common.api_json import batch_json, pagination_json
from services.common.convert import BATCH_STATUS_NAMES, batch_status_to_proto
from services.common.paging import paging_error
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError
from services.gateway.openapi import multipart
from services.gateway.organization import in_organization, mirror
from services.gateway.routes.files import file_url
from services.gateway.streaming import stream_export
from services.gateway.uploads import create_batch_requests, read_batch_form

router = APIRouter(prefix="/v1/openapi/batch", tags=["batch"])
org_router = APIRouter(prefix="/batch/{orgId}", tags=["organization batch"])
file_router = APIRouter(prefix="/upload", tags=["organization upload"])
Auth = Annotated[Principal, Depends(authenticate)]


def page_params(page: int, limit: int) -> tuple[int, int]:
    if problem := paging_error(page, limit):
        raise ApiError(400, problem)
    return page, limit


async def create_batch(request: Request, principal: Principal, file_field: str) -> common_pb2.Batch:
    settings = request.app.state.settings
    form_data, form = await read_batch_form(request, settings, file_field)
    try:
        scope = await principal.scope(form.project_id)
        return await request.app.state.backends.batches.CreateBatch(
            create_batch_requests(form, scope, settings.upload_chunk_bytes), timeout=600
        )
    finally:
        await form_data.close()


LOCALE_FIELD = (
    "BCP 47 locale (e.g. en-US, de-DE) to read dates and amounts by where a page does not tell; "
    "wins over the template's and the project's"
)
QUALITY_FIELD = (
    "accurate or fast: the OCR models that read the pages (fast: ~1.6x the pages per core, a few points of field "
    "accuracy lower; see README, Reading quality); wins over the template's"
)
PAGES_FIELD = (
    "which pages of each file to read, e.g. 1-3,5 (default: every page); a range past a file's end is a 400 "
    "with its page count"
)
UPLOAD_FIELDS = {
    "projectId": "the project (required for an organization key)",
    "templateId": "a template id, e.g. invoice",
    "name": "the batch's name (default: Batch YYYY-MM-DD HH:mm)",
    "metadata": "a JSON object, kept with the batch",
    "priority": "low, medium (default) or high",
    "locale": LOCALE_FIELD,
    "quality": QUALITY_FIELD,
    "pages": PAGES_FIELD,
}


@router.post("/upload", status_code=201, openapi_extra=multipart("files", True, UPLOAD_FIELDS))
async def upload_batch(request: Request, principal: Auth) -> JSONResponse:
    return JSONResponse(batch_json(await create_batch(request, principal, "files")), status_code=201)


@router.get("")
async def list_batches(
    request: Request,
    principal: Auth,
    projectId: str | None = None,  # noqa: N803 (API field name)
    page: int = 1,
    limit: int = 20,
    status: str | None = None,
) -> dict:
    page, limit = page_params(page, limit)
    if status and status not in BATCH_STATUS_NAMES:
        raise ApiError(400, f"status must be one of: {', '.join(BATCH_STATUS_NAMES)}")
    reply = await request.app.state.backends.batches.ListBatches(
        batch_pb2.ListBatchesRequest(
            scope=await principal.scope(projectId), page=page, limit=limit, status=batch_status_to_proto(status)
        ),
        timeout=30,
    )
    return {
        "data": [batch_json(b, with_ids=False) for b in reply.data],
        "pagination": pagination_json(reply.pagination),
    }


@router.get("/{batch_id}")
async def get_batch(request: Request, principal: Auth, batch_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    batch = await request.app.state.backends.batches.GetBatch(
        batch_pb2.GetBatchRequest(scope=await principal.scope(projectId), batch_id=batch_id), timeout=30
    )
    return batch_json(batch)


@router.delete("/{batch_id}")
async def delete_batch(request: Request, principal: Auth, batch_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    batch = await request.app.state.backends.batches.DeleteBatch(
        batch_pb2.DeleteBatchRequest(scope=await principal.scope(projectId), batch_id=batch_id), timeout=30
    )
    return {"id": batch.id, "deleted": True}


@router.get("/{batch_id}/export")
async def export_batch(
    request: Request,
    principal: Auth,
    batch_id: str,
    format: Annotated[str, Query()] = "",  # noqa: A002 (API parameter name)
    projectId: str | None = None,  # noqa: N803
) -> StreamingResponse:
    if not format:
        raise ApiError(400, "format is required")
    call = request.app.state.backends.exports.ExportBatch(
        export_pb2.ExportBatchRequest(scope=await principal.scope(projectId), batch_id=batch_id, format=format)
    )
    return await stream_export(call)


mirror(router, org_router)  # the organization API: /batch/{orgId}/…


@file_router.post(
    "/{orgId}/file",
    status_code=201,
    openapi_extra=multipart(
        "file",
        False,
        {
            "fileName": "the original file name",
            "fileType": "pdf, image or document",
            "projectId": "the project",
            "templateId": "a template id",
            "locale": LOCALE_FIELD,
            "quality": QUALITY_FIELD,
            "pages": PAGES_FIELD,
        },
    ),
)
async def upload_file(request: Request, principal: Auth, orgId: str) -> JSONResponse:  # noqa: N803
    """One file (field `file`, optional `fileName`, `fileType`, `projectId`, `templateId`, `locale`,
    `quality`): a batch of one."""
    principal = in_organization(principal, orgId)
    batch = await create_batch(request, principal, "file")
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(
            scope=common_pb2.Scope(organization_id=batch.organization_id, project_id=batch.project_id),
            record_id=batch.processing_history_ids[0],
        ),
        timeout=30,
    )
    return JSONResponse(
        {
            "id": batch.upload_ids[0],
            "fileName": record.file_name,
            "fileUrl": file_url(request, record.id),
            "status": "uploaded",
            "templateId": batch.template_id or None,
            "batchId": batch.id,
            "processingHistoryId": batch.processing_history_ids[0],
        },
        status_code=201,
    )
