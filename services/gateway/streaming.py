"""Relays an export's gRPC chunk stream to the HTTP client as it arrives, errors surfacing before the first byte."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import grpc
from fastapi.responses import StreamingResponse

from ocrbatch.v1 import export_pb2
from services.gateway.errors import ApiError, from_grpc

log = logging.getLogger(__name__)


async def stream_export(call: grpc.aio.UnaryStreamCall) -> StreamingResponse:
    try:
        first: export_pb2.ExportChunk = await call.read()
    except grpc.aio.AioRpcError as exc:
        raise from_grpc(exc) from None
    if first is grpc.aio.EOF or first.WhichOneof("part") != "file":
        call.cancel()
        log.error("export stream sent no file header")
        raise ApiError(500, "internal error")

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in call:
                yield chunk.data
        except grpc.aio.AioRpcError as exc:  # headers are gone: all we can do is cut the body short
            log.error("export stream failed after it started: %s %s", exc.code().name, exc.details())
            raise
        finally:
            call.cancel()

    return StreamingResponse(
        body(),
        media_type=first.file.content_type,
        headers={"Content-Disposition": f'attachment; filename="{first.file.file_name}"'},
    )
