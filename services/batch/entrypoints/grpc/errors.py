"""The service's exceptions as gRPC status codes (with a reason in trailing metadata), and request checks
every servicer shares: scope and paging."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import math
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc

from ocrbatch.v1 import common_pb2
from services.batch.adapters.mongo.database import DATABASE_UNREACHABLE
from services.batch.domain.model import Scope
from services.batch.errors import (
    AlreadyUploaded,
    BatchServiceError,
    Conflict,
    InsufficientCredits,
    InvalidArgument,
    NotFound,
    NotYours,
    TooLarge,
    Unauthenticated,
)
from services.common.paging import paging_error

_CODES: dict[type[BatchServiceError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    Conflict: grpc.StatusCode.ABORTED,
    NotFound: grpc.StatusCode.NOT_FOUND,
    TooLarge: grpc.StatusCode.RESOURCE_EXHAUSTED,
    InsufficientCredits: grpc.StatusCode.FAILED_PRECONDITION,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    NotYours: grpc.StatusCode.PERMISSION_DENIED,
    AlreadyUploaded: grpc.StatusCode.FAILED_PRECONDITION,
}
REASON_KEY = "ocrbatch-reason"  # trailing metadata the gateway maps to 413, 402 …


def _code(exc: BatchServiceError) -> grpc.StatusCode:
    return next((code for cls, code in _CODES.items() if isinstance(exc, cls)), grpc.StatusCode.INTERNAL)


async def _abort(context: grpc.aio.ServicerContext[Any, Any], exc: Exception) -> None:
    if isinstance(exc, BatchServiceError):
        metadata = ((REASON_KEY, exc.reason),) if exc.reason else ()
        await context.abort(_code(exc), str(exc), trailing_metadata=metadata)
    # the database is unreachable: a client may try again shortly (workers wait and retry)
    await context.abort(grpc.StatusCode.UNAVAILABLE, "the batch service's database is unreachable")


# How long a refused upload's remaining messages are read before its status is sent regardless.
DRAIN_S = 60.0


async def _drain(requests: AsyncIterator[Any]) -> None:
    """Reads, and drops, what the client is still sending before a client-streaming call's error goes out:
    grpc's asyncio client reports a call that ends while it is still writing as INTERNAL ("Internal error
    from Core", grpc/grpc#36066) in place of the status the server sent, and about one refused upload in
    ten reached the REST API as a 500 instead of its 400 or 402. Bounded by DRAIN_S; a client that goes
    away ends it at once."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(DRAIN_S):
            async for _ in requests:
                pass


def mapped_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turns the service's exceptions into gRPC status codes, for unary and streaming handlers alike."""
    if inspect.isasyncgenfunction(method):

        @functools.wraps(method)
        async def stream_wrapper(self: Any, request: Any, context: Any) -> AsyncIterator[Any]:
            try:
                async for item in method(self, request, context):
                    yield item
            except (BatchServiceError, *DATABASE_UNREACHABLE) as exc:
                await _abort(context, exc)

        return stream_wrapper

    @functools.wraps(method)
    async def unary_wrapper(self: Any, request: Any, context: Any) -> Any:
        try:
            return await method(self, request, context)
        except (BatchServiceError, *DATABASE_UNREACHABLE) as exc:
            if hasattr(request, "__aiter__"):  # a client-streaming call (an upload): `request` is its stream
                await _drain(request)
            await _abort(context, exc)

    return unary_wrapper


def paging(page: int, limit: int, *, default_limit: int) -> tuple[int, int]:
    """0 means the default; anything else out of range is refused."""
    page, limit = page or 1, limit or default_limit
    if problem := paging_error(page, limit):
        raise InvalidArgument(problem)
    return page, limit


def pagination(page: int, limit: int, total: int) -> common_pb2.Pagination:
    return common_pb2.Pagination(page=page, limit=limit, total=total, pages=math.ceil(total / limit))


def scope_of(msg: common_pb2.Scope) -> Scope:
    if not msg.organization_id or not msg.project_id:
        raise InvalidArgument("projectId is required")
    return Scope(msg.organization_id, msg.project_id, msg.user_id)
