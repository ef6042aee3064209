"""HTTP errors in the documented format {statusCode, message, error}; gRPC codes mapped to HTTP once, here."""

from __future__ import annotations

import logging
from http import HTTPStatus

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

GRPC_TO_HTTP = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.FAILED_PRECONDITION: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 401,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 413,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_body(status: int, message: str) -> dict[str, object]:
    return {"statusCode": status, "message": message, "error": HTTPStatus(status).phrase}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)


RETRY_AFTER_S = "2"  # what a 503 asks clients to wait: backends reconnect within about a second

# Reasons the batch service attaches as trailing metadata, where one gRPC code covers several HTTP answers.
REASON_TO_HTTP = {"too_large": 413, "insufficient_credits": 402, "already_uploaded": 403}


def from_grpc(exc: grpc.aio.AioRpcError) -> ApiError:
    reason = dict(exc.trailing_metadata() or ()).get("ocrbatch-reason", "")
    status = REASON_TO_HTTP.get(reason) or GRPC_TO_HTTP.get(exc.code(), 500)
    if status == 500:
        log.error("gRPC call failed: %s %s", exc.code().name, exc.details())
        return ApiError(500, "internal error")
    if status in (503, 504):
        return ApiError(status, "a backend service is unavailable, try again shortly", {"Retry-After": RETRY_AFTER_S})
    return ApiError(status, exc.details() or HTTPStatus(status).phrase)


def _validation_message(exc: RequestValidationError) -> str:
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    return f"{where}: {first.get('msg', 'invalid value')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(grpc.aio.AioRpcError)
    async def _grpc_error(request: Request, exc: grpc.aio.AioRpcError) -> JSONResponse:
        err = from_grpc(exc)
        return error_response(err.status, err.message, err.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error")
