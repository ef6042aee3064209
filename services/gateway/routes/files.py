"""Original files behind signed, expiring links (a record's `fileUrl`): no API key, the signature is the
permission. GET /v1/files/{recordId}?expires=…&signature=…"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote, urlencode

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ocrbatch.v1 import jobs_pb2
from services.gateway.errors import ApiError, from_grpc

router = APIRouter(prefix="/v1/files", tags=["files"])


def public_base(request: Request) -> str:
    """The base of the links the gateway hands out: OCRBATCH_PUBLIC_URL, else the address asked."""
    return str(request.app.state.settings.public_url.rstrip("/") or str(request.base_url).rstrip("/"))


def file_url(request: Request, record_id: str) -> str:
    """A link that downloads the record's original file until it expires (OCRBATCH_FILE_URL_TTL_S)."""
    settings = request.app.state.settings
    expires, signature = request.app.state.signer.sign("file", record_id, ttl_s=settings.file_url_ttl_s)
    return (
        f"{public_base(request)}/v1/files/{quote(record_id)}?{urlencode({'expires': expires, 'signature': signature})}"
    )


@router.get("/{record_id}", responses={403: {"description": "the link is forged or has expired"}})
async def download_file(request: Request, record_id: str, expires: int = 0, signature: str = "") -> StreamingResponse:
    if not request.app.state.signer.valid("file", record_id, expires=expires, signature=signature):
        raise ApiError(403, "the link is invalid or has expired")
    call = request.app.state.backends.files.ReadJobFile(jobs_pb2.ReadJobFileRequest(record_id=record_id), timeout=600)
    try:
        first = await call.read()
    except grpc.aio.AioRpcError as exc:
        raise from_grpc(exc) from None

    async def body() -> AsyncIterator[bytes]:
        chunk = first
        while chunk is not grpc.aio.EOF:
            yield chunk.data
            chunk = await call.read()

    if first is grpc.aio.EOF:
        raise ApiError(404, "the file is no longer stored")
    name = first.file_name.replace('"', "")
    return StreamingResponse(
        body(),
        media_type=first.mime_type or "application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(first.file_name)}"},
    )
