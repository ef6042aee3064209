"""Sensible-style batches (reference 004): declare up to 5000 document names, get signed upload URLs for a
range of them, PUT each document's bytes to its URL, follow each extraction, download the batch as Excel.

Field names and statuses are Sensible's. Where its document is silent: the batch id is ours (hex, not a
UUID), upload URLs last OCRBATCH_UPLOAD_URL_TTL_S and take one upload each, an organization key passes
`projectId` as a query parameter, and `configuration` is kept with the batch while the template named by
`docType` decides the extraction.

Single-document extractions (what Sensible's own client calls): `generate_upload_url` and `extract_from_url`
declare a batch of one whose document comes by its signed upload URL, or is fetched by the batch service from the
client's URL; `GET /v0/documents/{id}` follows it as any declared document, and `generate_excel/{id1},{id2},…`
links to one XLSX of several."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import unquote, urlencode, urlsplit

import grpc
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ocrbatch.v1 import batch_pb2, common_pb2, export_pb2, templates_pb2
from services.common.api_json import sensible_document
from services.common.convert import iso_or_none, struct_to_dict
from services.common.page_ranges import canonical
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError, from_grpc
from services.gateway.routes.files import public_base
from services.gateway.streaming import stream_export
from services.gateway.uploads import checked_locale, checked_page_range

router = APIRouter(prefix="/v0", tags=["sensible-style batches"])
Auth = Annotated[Principal, Depends(authenticate)]
EXCEL_URL_TTL_S = 15 * 60


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


class Webhook(BaseModel):
    url: str = Field(min_length=1, max_length=2000, description="called once, when the extraction is final")
    payload: Any = Field(None, description="any JSON value, sent back in the webhook's body as `payload`")


class SingleExtraction(BaseModel):
    webhook: Webhook | None = None
    types: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50, description="a portfolio: the types its documents are classified among"
    )


class UrlExtraction(SingleExtraction):
    document_url: str = Field(min_length=1, max_length=2000, description="http(s) URL the document is fetched from")


DEFAULT_DOCUMENT_NAME = "document"
MAX_EXCEL_DOCUMENTS = 100  # as the export service's ExportRecords takes


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
    # in declaration order
    return [_upload_url(request, batch_id, i, batch.processing_history_ids[i]) for i in range(start, end + 1)]


def _upload_url(request: Request, batch_id: str, index: int, extraction_id: str) -> str:
    """A signed URL that takes the index-th document of a declared batch, once, for OCRBATCH_UPLOAD_URL_TTL_S."""
    ttl = request.app.state.settings.upload_url_ttl_s
    expires, signature = request.app.state.signer.sign("upload", batch_id, str(index), extraction_id, ttl_s=ttl)
    query = urlencode({"expires": expires, "signature": signature})
    return f"{public_base(request)}/v0/uploads/{batch_id}/{index}/{extraction_id}?{query}"


async def _declare_one(
    request: Request,
    principal: Principal,
    project_id: str | None,
    document_type: str,
    configuration: str,
    document_name: str,
    body: SingleExtraction,
    document_url: str = "",
) -> common_pb2.Batch:
    webhook = None
    if body.webhook is not None:
        payload = json.dumps(body.webhook.payload) if body.webhook.payload is not None else ""
        webhook = batch_pb2.DocumentWebhook(url=body.webhook.url, payload=payload)
    batch: common_pb2.Batch = await request.app.state.backends.batches.DeclareBatch(
        batch_pb2.DeclareBatchRequest(
            scope=await principal.scope(project_id),
            document_names=[document_name.strip() or DEFAULT_DOCUMENT_NAME],
            doc_type="" if body.types else document_type,  # a portfolio: its types decide
            configuration=configuration,
            document_url=document_url,
            webhook=webhook,
            portfolio_doc_types=body.types,
        ),
        timeout=60,
    )
    return batch


def _extraction_json(
    batch: common_pb2.Batch, document_type: str, document_name: str, environment: str
) -> dict[str, Any]:
    """A new single-document extraction as Sensible answers its creation."""
    out: dict[str, Any] = {
        "id": batch.processing_history_ids[0],
        "created": iso_or_none(batch.created_at, batch.HasField("created_at")),
        "type": document_type,
        "status": "WAITING",
        "document_name": document_name.strip() or DEFAULT_DOCUMENT_NAME,
        "environment": environment or "production",
        "batchId": batch.id,
    }
    if batch.portfolio_doc_types:
        out["types"] = list(batch.portfolio_doc_types)
    if batch.webhook_secret:  # the webhook's signing secret (Standard Webhooks), told only here
        out["webhook_secret"] = batch.webhook_secret
    return out


async def _upload_extraction(
    request: Request,
    principal: Principal,
    document_type: str,
    configuration: str,
    document_name: str,
    environment: str,
    body: SingleExtraction | None,
    project_id: str | None,
) -> dict[str, Any]:
    batch = await _declare_one(
        request, principal, project_id, document_type, configuration, document_name, body or SingleExtraction()
    )
    out = _extraction_json(batch, document_type, document_name, environment)
    return out | {"upload_url": _upload_url(request, batch.id, 0, out["id"])}


async def _url_extraction(
    request: Request,
    principal: Principal,
    document_type: str,
    configuration: str,
    document_name: str,
    environment: str,
    body: UrlExtraction,
    project_id: str | None,
) -> dict[str, Any]:
    name = document_name.strip() or unquote(urlsplit(body.document_url.strip()).path.rsplit("/", 1)[-1])
    batch = await _declare_one(
        request, principal, project_id, document_type, configuration, name, body, body.document_url.strip()
    )
    return _extraction_json(batch, document_type, name, environment)


UPLOAD_URL_DOC = (
    "A single-document extraction whose document is then PUT to `upload_url` (signed, single use, no key). "
    "`document_type`: a template's id or name."
)
URL_DOC = (
    "A single-document extraction of the document at `document_url`, which the service fetches (public addresses "
    "only, unless OCRBATCH_WEBHOOK_ALLOW allows more; at most the upload size limit; within "
    "OCRBATCH_URL_FETCH_TIMEOUT_S). A fetch that fails makes the extraction FAILED with the reason."
)


PORTFOLIO_DOC = (
    " Without a document type in the path, the body's `types` (templates' ids or names) make it a portfolio: the "
    "document is split into the documents it holds, each classified among those types (`documents` in its result)."
)


@router.post("/generate_upload_url", description=UPLOAD_URL_DOC + PORTFOLIO_DOC)
async def generate_portfolio_upload_url(
    request: Request,
    principal: Auth,
    body: SingleExtraction | None = None,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    if body is None or not body.types:
        raise ApiError(400, "types: give the document types of the portfolio, or a document type in the path")
    return await _upload_extraction(request, principal, "", "", document_name, environment, body, projectId)


@router.post("/extract_from_url", description=URL_DOC + PORTFOLIO_DOC)
async def extract_portfolio_from_url(
    request: Request,
    principal: Auth,
    body: UrlExtraction,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    if not body.types:
        raise ApiError(400, "types: give the document types of the portfolio, or a document type in the path")
    return await _url_extraction(request, principal, "", "", document_name, environment, body, projectId)


@router.post("/generate_upload_url/{document_type}", description=UPLOAD_URL_DOC)
async def generate_upload_url(
    request: Request,
    principal: Auth,
    document_type: str,
    body: SingleExtraction | None = None,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    return await _upload_extraction(request, principal, document_type, "", document_name, environment, body, projectId)


@router.post("/generate_upload_url/{document_type}/{configuration_name}", description=UPLOAD_URL_DOC)
async def generate_upload_url_with_configuration(
    request: Request,
    principal: Auth,
    document_type: str,
    configuration_name: str,
    body: SingleExtraction | None = None,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    return await _upload_extraction(
        request, principal, document_type, configuration_name, document_name, environment, body, projectId
    )


@router.post("/extract_from_url/{document_type}", description=URL_DOC)
async def extract_from_url(
    request: Request,
    principal: Auth,
    document_type: str,
    body: UrlExtraction,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    return await _url_extraction(request, principal, document_type, "", document_name, environment, body, projectId)


@router.post("/extract_from_url/{document_type}/{configuration_name}", description=URL_DOC)
async def extract_from_url_with_configuration(
    request: Request,
    principal: Auth,
    document_type: str,
    configuration_name: str,
    body: UrlExtraction,
    document_name: Annotated[str, Query(max_length=255)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    projectId: str | None = None,  # noqa: N803
) -> dict[str, Any]:
    return await _url_extraction(
        request, principal, document_type, configuration_name, document_name, environment, body, projectId
    )


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
    await _stream_document(request, batch_id, index)
    return Response(status_code=200)


async def _stream_document(request: Request, batch_id: str, index: int) -> None:
    """The request's body, streamed to the batch service as a declared document's bytes (413 over the limit)."""
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


CLASSIFICATION_LINK_TTL_S = 60 * 60  # a client polls its link until the classification is done: an hour is ample


@router.post(
    "/classify/async",
    responses={413: {"description": "too large"}},
    description="Classifies the document in the body (PDF or image bytes, as sent) among every template of the "
    "project but the generic one, as one document. Answers at once with the classification's `id` and a "
    "`download_link` (signed, no key, an hour) that answers 404 until it is done, then its result.",
)
async def classify_async(request: Request, principal: Auth, projectId: str | None = None) -> dict[str, str]:  # noqa: N803
    scope = await principal.scope(projectId)
    batch = await request.app.state.backends.batches.DeclareBatch(
        batch_pb2.DeclareBatchRequest(scope=scope, document_names=["document"], classify=True), timeout=60
    )
    await _stream_document(request, batch.id, 0)
    classification_id = batch.processing_history_ids[0]
    parts = ("classification", scope.organization_id, scope.project_id, classification_id)
    expires, signature = request.app.state.signer.sign(*parts, ttl_s=CLASSIFICATION_LINK_TTL_S)
    query = urlencode(
        {"org": scope.organization_id, "project": scope.project_id, "expires": expires, "signature": signature}
    )
    return {
        "id": classification_id,
        "download_link": f"{public_base(request)}/v0/classifications/{classification_id}?{query}",
    }


@router.get(
    "/classifications/{classification_id}",
    responses={403: {"description": "forged or expired link"}, 404: {"description": "not done yet"}},
)
async def classification_result(
    request: Request, classification_id: str, org: str = "", project: str = "", expires: int = 0, signature: str = ""
) -> dict[str, Any]:
    """A classification's result, behind its signed link: the best-fitting document type (a template) and its
    score, and every type's score, best first."""
    if not request.app.state.signer.valid(
        "classification", org, project, classification_id, expires=expires, signature=signature
    ):
        raise ApiError(403, "the link is invalid or has expired")
    scope = common_pb2.Scope(organization_id=org, project_id=project)
    record = await request.app.state.backends.batches.GetRecord(
        batch_pb2.GetRecordRequest(scope=scope, record_id=classification_id), timeout=30
    )
    if record.status == common_pb2.RECORD_STATUS_FAILED:
        raise ApiError(422, f"the document could not be classified: {record.error}")
    if record.status != common_pb2.RECORD_STATUS_COMPLETED or not record.parts:
        raise ApiError(404, "the classification is not done yet")
    templates = await request.app.state.backends.templates.ListTemplates(
        templates_pb2.ListTemplatesRequest(scope=scope), timeout=30
    )
    names = {t.id: t.name for t in templates.data}
    part = record.parts[0]
    scores = struct_to_dict(part.scores) if part.HasField("scores") else {}
    summary = sorted(
        (
            {"id": kind, "name": names.get(kind, kind), "score": round(float(score), 4)}
            for kind, score in scores.items()
        ),
        key=lambda entry: -float(entry["score"]),
    )
    best = (
        {"id": part.template_id, "name": part.template_name, "score": round(part.confidence, 4)}
        if part.template_id
        else {"id": None, "name": "unknown", "score": round(part.confidence, 4)}  # none of them fits
    )
    return {"id": record.id, "status": "COMPLETE", "document_type": best, "classification_summary": summary}


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
    return sensible_document(record)


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


@router.get("/generate_excel/{extraction_ids}")
async def excel_link_of_documents(
    request: Request,
    principal: Auth,
    extraction_ids: str,
    projectId: str | None = None,  # noqa: N803
) -> dict[str, str]:
    """A signed link, good for 15 minutes, to one XLSX of the given extractions (comma-separated ids; the
    completed ones are in it). Another organization's id → 401, an unknown one → 404."""
    ids = list(dict.fromkeys(i.strip() for i in extraction_ids.split(",") if i.strip()))
    if not 1 <= len(ids) <= MAX_EXCEL_DOCUMENTS:
        raise ApiError(400, f"give 1 to {MAX_EXCEL_DOCUMENTS} extraction ids, separated by commas")
    scope = await principal.scope(projectId)
    complete = 0
    for extraction_id in ids:  # each is the caller's before anything is signed
        record = await request.app.state.backends.batches.GetRecord(
            batch_pb2.GetRecordRequest(scope=scope, record_id=extraction_id), timeout=30
        )
        complete += record.status == common_pb2.RECORD_STATUS_COMPLETED
    if not complete:
        raise ApiError(400, "none of these extractions is complete yet")
    joined = ",".join(ids)
    parts = ("excel-documents", scope.organization_id, scope.project_id, joined)
    expires, signature = request.app.state.signer.sign(*parts, ttl_s=EXCEL_URL_TTL_S)
    query = urlencode(
        {"org": scope.organization_id, "project": scope.project_id, "expires": expires, "signature": signature}
    )
    return {"url": f"{public_base(request)}/v0/excel_documents/{joined}?{query}"}


@router.get("/excel_documents/{extraction_ids}", responses={403: {"description": "forged or expired link"}})
async def excel_of_documents(
    request: Request, extraction_ids: str, org: str = "", project: str = "", expires: int = 0, signature: str = ""
) -> StreamingResponse:
    if not request.app.state.signer.valid(
        "excel-documents", org, project, extraction_ids, expires=expires, signature=signature
    ):
        raise ApiError(403, "the link is invalid or has expired")
    scope = common_pb2.Scope(organization_id=org, project_id=project)
    call = request.app.state.backends.exports.ExportRecords(
        export_pb2.ExportRecordsRequest(scope=scope, record_ids=extraction_ids.split(","), format="xlsx")
    )
    return await stream_export(call)
