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
    """The export as an HTTP response. The file header and the first bytes are read before the response
    starts, so a failure there is an error response (503 with Retry-After when the export service is
    unreachable); a failure after that cuts the connection, so the client sees a broken transfer, never a
    complete-looking file."""
    try:
        first: export_pb2.ExportChunk = await call.read()
        if first is grpc.aio.EOF or first.WhichOneof("part") != "file":
            call.cancel()
            log.error("export stream sent no file header")
            raise ApiError(500, "internal error")
        opening = await call.read()
    except grpc.aio.AioRpcError as exc:
        raise from_grpc(exc) from None

    async def body() -> AsyncIterator[bytes]:
        try:
            chunk = opening
            while chunk is not grpc.aio.EOF:  # read() only: the two reading styles must not be mixed
                yield chunk.data
                chunk = await call.read()
        except grpc.aio.AioRpcError as exc:  # headers are gone: the client must see the transfer break
            log.error("export stream failed after it started: %s %s", exc.code().name, exc.details())
            raise ExportBroken(f"the export stream broke: {exc.code().name}") from None
        finally:
            call.cancel()

    return StreamingResponse(
        body(),
        media_type=first.file.content_type,
        headers={"Content-Disposition": f'attachment; filename="{first.file.file_name}"'},
    )


class ExportBroken(Exception):
    """Raised into the server after the response started: it closes the connection without ending the body."""
