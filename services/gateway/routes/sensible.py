"""Sensible-style batches (reference 004): declare up to 5000 document names, get signed upload URLs for a
range of them, PUT each document's bytes to its URL, follow each extraction, download the batch as Excel.

Field names and statuses are Sensible's. Where its document is silent: the batch id is ours (hex, not a
UUID), upload URLs last OCRBATCH_UPLOAD_URL_TTL_S and take one upload each, an organization key passes
`projectId` as a query parameter, and `configuration` is kept with the batch while the template named by
`docType` decides the extraction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import urlencode

import grpc
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ocrbatch.v1 import batch_pb2, common_pb2, export_pb2
from services.common.convert import in_field_order, iso_or_none, record_status_name
from services.common.page_ranges import canonical
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError, from_grpc
from services.gateway.routes.files import public_base
from services.gateway.streaming import stream_export
from services.gateway.uploads import checked_locale, checked_page_range

router = APIRouter(prefix="/v0", tags=["sensible-style batches"])
Auth = Annotated[Principal, Depends(authenticate)]
EXCEL_URL_TTL_S = 15 * 60
STATUS = {"waiting": "WAITING", "completed": "COMPLETE", "failed": "FAILED"}  # anything else: PROCESSING


class DeclaredBatch(BaseModel):
    documentNames: list[str] = Field(min_length=1, max_length=5000)  # noqa: N815 (Sensible's field names)
    docType: str = Field("", max_length=200)  # noqa: N815
    portfolioDocTypes: list[str] = Field(  # noqa: N815
        default_factory=list,
        max_length=20,
        description="instead of docType: each document may hold several documents of these types (templates' ids "
        "or names); it is split and each part classified",
    )
    description: str = Field("", max_length=1000)
    configuration: str = Field("", max_length=200)
    locale: str = Field("", max_length=100, description="BCP 47 (e.g. en-US): how dates and amounts are read")
    pages: str = Field(
        "", max_length=1000, description="which pages of each document to read, e.g. 1-3,5 (default: every page)"
    )


class Description(BaseModel):
    description: str = Field(max_length=1000)


def _batch_json(batch: common_pb2.Batch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "description": batch.description,
        "extraction_ids": list(batch.processing_history_ids),
        "waiting": batch.waiting_files,
    }


async def _batch(request: Request, principal: Principal, batch_id: str, project_id: str | None) -> common_pb2.Batch:
    scope = await principal.scope(project_id)
    batch: common_pb2.Batch = await request.app.state.backends.batches.GetBatch(
        batch_pb2.GetBatchRequest(scope=scope, batch_id=batch_id), timeout=30
    )
    return batch


@router.post("/extract/batch")
async def declare_batch(request: Request, principal: Auth, body: DeclaredBatch, projectId: str | None = None) -> str:  # noqa: N803
    """Declares the documents by name; returns the batch id. Each document then waits for its upload."""
    batch = await request.app.state.backends.batches.DeclareBatch(
        batch_pb2.DeclareBatchRequest(
            scope=await principal.scope(projectId),
            document_names=body.documentNames,
            doc_type=body.docType,
            portfolio_doc_types=body.portfolioDocTypes,
            description=body.description,
            configuration=body.configuration,
            locale=checked_locale(body.locale),
            page_range=canonical(checked_page_range(body.pages)),
        ),
        timeout=60,
    )
    return str(batch.id)


@router.put("/extract/batch/upload_urls/{batch_id}/{start}/{end}")
async def upload_urls(
    request: Request,
    principal: Auth,
    batch_id: str,
    start: int,
    end: int,
    projectId: str | None = None,  # noqa: N803
) -> list[str]:
    """Signed upload URLs for the documents start..end (zero-based, inclusive), in declaration order."""
    batch = await _batch(request, principal, batch_id, projectId)
    if not 0 <= start <= end < batch.total_files:
        raise ApiError(400, f"the range must satisfy 0 <= start <= end < {batch.total_files}")
    signer, ttl = request.app.state.signer, request.app.state.settings.upload_url_ttl_s
    base = public_base(request)
    urls = []
    for index in range(start, end + 1):
        extraction_id = batch.processing_history_ids[index]  # in declaration order
        expires, signature = signer.sign("upload", batch_id, str(index), extraction_id, ttl_s=ttl)
        query = urlencode({"expires": expires, "signature": signature})
        urls.append(f"{base}/v0/uploads/{batch_id}/{index}/{extraction_id}?{query}")
    return urls


@router.put(
    "/uploads/{batch_id}/{index}/{extraction_id}",
    status_code=200,
    responses={403: {"description": "forged, expired or used URL"}, 413: {"description": "too large"}},
)
async def put_document(
    request: Request, batch_id: str, index: int, extraction_id: str, expires: int = 0, signature: str = ""
) -> Response:
    """A document's bytes, PUT to its signed URL, whose path names its extraction (no API key: the signature is the
    permission)."""
    signer = request.app.state.signer
    if not signer.valid("upload", batch_id, str(index), extraction_id, expires=expires, signature=signature):
        raise ApiError(403, "the upload URL is invalid or has expired")
    limit = int(request.app.state.settings.max_file_mb * 1024 * 1024)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the document is larger than {request.app.state.settings.max_file_mb:g} MB")
    chunk_bytes = request.app.state.settings.upload_chunk_bytes
    header = batch_pb2.DocumentHeader(
        batch_id=batch_id, index=index, mime_type=request.headers.get("content-type", "")[:200]
    )

    async def parts() -> AsyncIterator[batch_pb2.UploadDocumentRequest]:
        yield batch_pb2.UploadDocumentRequest(header=header)
        buffer = bytearray()
        async for piece in request.stream():
            buffer += piece
            while len(buffer) >= chunk_bytes:
                yield batch_pb2.UploadDocumentRequest(chunk=bytes(buffer[:chunk_bytes]))
                del buffer[:chunk_bytes]
        if buffer:
            yield batch_pb2.UploadDocumentRequest(chunk=bytes(buffer))

    try:
        await request.app.state.backends.batches.UploadDocument(parts(), timeout=600)
    except grpc.aio.AioRpcError as exc:
        raise from_grpc(exc) from None
    return Response(status_code=200)


@router.get("/extract/batch/{batch_id}")
async def get_batch(request: Request, principal: Auth, batch_id: str, projectId: str | None = None) -> dict[str, Any]:  # noqa: N803
    return _batch_json(await _batch(request, principal, batch_id, projectId))


@router.put("/extract/batch/{batch_id}")
async def describe_batch(
    request: Request,
    principal: Auth,
    batch_id: str,
    body: Description,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    batch = await request.app.state.backends.batches.UpdateBatch(
        batch_pb2.UpdateBatchRequest(
            scope=await principal.scope(projectId), batch_id=batch_id, description=body.description
        ),
        timeout=30,
    )
    return _batch_json(batch)


@router.get("/documents/{extraction_id}")
async def get_document(
    request: Request,
    principal: Auth,
    extraction_id: str,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(scope=await principal.scope(projectId), record_id=extraction_id), timeout=30
    )
    status = STATUS.get(record_status_name(record.status), "PROCESSING")
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
    if status == "FAILED":
        out["error"] = record.error
    return out


@router.get("/generate_excel_from_batch/{batch_id}")
async def excel_link(request: Request, principal: Auth, batch_id: str, projectId: str | None = None) -> dict[str, str]:  # noqa: N803
    """A signed link, good for 15 minutes, to the XLSX of the batch's completed documents."""
    batch = await _batch(request, principal, batch_id, projectId)
    if batch.completed_files == 0:
        raise ApiError(400, "the batch has no completed documents yet")
    parts = ("excel", batch.organization_id, batch.project_id, batch_id)
    expires, signature = request.app.state.signer.sign(*parts, ttl_s=EXCEL_URL_TTL_S)
    query = urlencode(
        {"org": batch.organization_id, "project": batch.project_id, "expires": expires, "signature": signature}
    )
    return {"url": f"{public_base(request)}/v0/excel/{batch_id}?{query}"}


@router.get("/excel/{batch_id}", responses={403: {"description": "forged or expired link"}})
async def excel(
    request: Request, batch_id: str, org: str = "", project: str = "", expires: int = 0, signature: str = ""
) -> StreamingResponse:
    if not request.app.state.signer.valid("excel", org, project, batch_id, expires=expires, signature=signature):
        raise ApiError(403, "the link is invalid or has expired")
    scope = common_pb2.Scope(organization_id=org, project_id=project)
    call = request.app.state.backends.exports.ExportBatch(
        export_pb2.ExportBatchRequest(scope=scope, batch_id=batch_id, format="xlsx")
    )
    return await stream_export(call)
