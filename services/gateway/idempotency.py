"""Idempotency-Key on the requests that create (uploads, Sensible-style batches, upload-URL ranges and
single-document extractions, webhooks, templates): the same key with the same request within 24 hours gets the
first answer again — same ids, same status, no second charge — with `Idempotent-Replayed: true`; the same key with
a different request → 422; while the first request still runs → 409. Keys are per organization, kept by the batch
service (IdempotencyService).

An ASGI middleware, so a request's whole body is seen: it is read (and kept, spooled to disk past 1 MB) before the
key is claimed, its hash compared with the first request's, and handed to the route as it came. The answer is kept
before it is sent, so a client whose connection is cut after it sent its request gets it on its retry."""

from __future__ import annotations

import asyncio
import hashlib
import re
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import grpc
from fastapi.responses import JSONResponse
from starlette.requests import Request

from ocrbatch.v1 import idempotency_pb2
from services.gateway.auth import organization_of
from services.gateway.errors import error_body, from_grpc

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER = "idempotency-key"
MAX_KEY_CHARS = 255
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as Stripe's and the IETF draft's keys
# The requests that create: method and path
CREATES = [
    (method, re.compile(path))
    for method, path in (
        ("POST", r"/v1/openapi/batch/upload"),
        ("POST", r"/upload/[^/]+/file"),
        ("POST", r"/v0/extract/batch"),
        ("PUT", r"/v0/extract/batch/upload_urls/[^/]+/[^/]+/[^/]+"),
        ("POST", r"/v0/generate_upload_url(/[^/]+){0,2}"),
        ("POST", r"/v0/extract_from_url(/[^/]+){0,2}"),
        ("POST", r"/v0/classify/async"),
        ("POST", r"/v1/openapi/webhooks"),
        ("POST", r"/webhooks/[^/]+"),
        ("POST", r"/v1/openapi/templates"),
        ("POST", r"/templates"),
    )
]
SPOOL_IN_MEMORY = 1024 * 1024
READ_CHUNK = 64 * 1024
MAX_KEPT_ANSWER = 1024 * 1024  # a create's answer is a small JSON document; a larger one is not kept
IN_PROGRESS_RETRY_AFTER_S = "2"
MIN_RENEW_EVERY_S = 0.5


def _creates(scope: Scope) -> bool:
    path = scope["path"].rstrip("/") or "/"
    return any(scope["method"] == method and pattern.fullmatch(path) for method, pattern in CREATES)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _creates(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = request.headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            await _error(400, f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters")(
                scope, receive, send
            )
            return
        organization = await organization_of(request)
        if organization is None:  # the route answers 401 (or 503) itself, keys or not
            await self.app(scope, receive, send)
            return
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as body:
            fingerprint = await self._read(scope, receive, body)
            if fingerprint is None:  # the client went away before its request was whole, or it is too large
                if body.tell() > self.max_body_bytes:
                    await _error(413, "the request is larger than this server accepts")(scope, receive, send)
                return
            await self._keyed(scope, receive, send, request, organization, key, fingerprint, body)

    async def _read(self, scope: Scope, receive: Receive, body: Any) -> str | None:
        """The whole body into `body`; the request's fingerprint, or None when the client left first or the body
        is over the limit."""
        digest = _Fingerprint(scope)
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            digest.update(chunk)
            body.write(chunk)
            if body.tell() > self.max_body_bytes:
                return None
            if not message.get("more_body", False):
                return digest.hexdigest()

    async def _keyed(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        request: Request,
        organization: str,
        key: str,
        fingerprint: str,
        body: Any,
    ) -> None:
        keys = request.app.state.backends.idempotency
        try:
            claim = await keys.ClaimKey(
                idempotency_pb2.ClaimKeyRequest(organization_id=organization, key=key, fingerprint=fingerprint),
                timeout=10,
            )
        except grpc.aio.AioRpcError as exc:
            failure = from_grpc(exc)
            await _error(failure.status, failure.message, failure.headers)(scope, receive, send)
            return
        if claim.outcome == idempotency_pb2.KEY_OUTCOME_REPLAY:
            r = claim.response
            headers = {"idempotent-replayed": "true"} | ({"content-type": r.content_type} if r.content_type else {})
            await _replay(send, r.status_code, r.body, headers)
            return
        if claim.outcome == idempotency_pb2.KEY_OUTCOME_IN_PROGRESS:
            message = "a request with this Idempotency-Key is still in progress: retry it later"
            await _error(409, message, {"Retry-After": IN_PROGRESS_RETRY_AFTER_S})(scope, receive, send)
            return
        if claim.outcome == idempotency_pb2.KEY_OUTCOME_MISMATCH:
            message = "this Idempotency-Key was used for a different request (another path or body)"
            await _error(422, message)(scope, receive, send)
            return
        await self._first(scope, receive, send, keys, organization, key, claim, body)

    async def _first(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        keys: Any,
        organization: str,
        key: str,
        claimed: idempotency_pb2.ClaimKeyResponse,
        body: Any,
    ) -> None:
        """Runs the request that claimed the key, renewing its hold while it runs; its answer is kept (a server
        error frees the key instead)."""
        claim = claimed.claim
        renewing = asyncio.create_task(_renew(keys, organization, key, claim, claimed.renew_every_s))
        try:
            start, answer = await self._run(scope, receive, body)
        except BaseException:
            await _release(keys, organization, key, claim)
            raise
        finally:
            renewing.cancel()
        status = start["status"]
        headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        if status >= 500 or len(answer) > MAX_KEPT_ANSWER:
            await _release(keys, organization, key, claim)
        else:
            stored = idempotency_pb2.StoredResponse(
                status_code=status, content_type=headers.get("content-type", ""), body=answer
            )
            request = idempotency_pb2.FinishKeyRequest(
                organization_id=organization, key=key, claim=claim, response=stored
            )
            try:
                await keys.FinishKey(request, timeout=10)
            except grpc.aio.AioRpcError:  # not kept: once the hold lapses, a retry runs again
                pass
        await send(start)
        await send({"type": "http.response.body", "body": answer})

    async def _run(self, scope: Scope, receive: Receive, body: Any) -> tuple[Message, bytes]:
        """The route's answer (its start message and whole body) to the request whose body `body` holds."""
        body.seek(0)
        sent_body = False

        async def replayed_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                chunk = body.read(READ_CHUNK)
                more = body.tell() < _size(body)
                sent_body = not more
                return {"type": "http.request", "body": chunk, "more_body": more}
            return await receive()  # after the body: the client's disconnect, when it comes

        start: Message | None = None
        parts: list[bytes] = []

        async def captured_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                parts.append(message.get("body", b""))

        await self.app(scope, replayed_receive, captured_send)
        if start is None:
            raise RuntimeError("the route sent no answer")
        return start, b"".join(parts)


class _Fingerprint:
    """A hash of what a request asks for: its method, path, query and body — a multipart body without its boundary,
    which a client draws anew for every request it sends (the same upload sent twice hashes alike)."""

    def __init__(self, scope: Scope) -> None:
        query = scope.get("query_string", b"").decode()
        self._digest = hashlib.sha256(f"{scope['method']} {scope['path']}?{query}\n".encode())
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        match = re.search(rb"boundary=\"?([^\";]+)", content_type)
        self._boundary = match.group(1) if match else b""
        self._carry = b""  # the end of the last chunk, where a boundary may begin

    def update(self, chunk: bytes) -> None:
        if not self._boundary:
            self._digest.update(chunk)
            return
        data = (self._carry + chunk).replace(self._boundary, b"")
        keep = len(self._boundary) - 1
        self._digest.update(data[:-keep] if keep and len(data) > keep else (b"" if keep else data))
        self._carry = data[-keep:] if keep and len(data) > keep else (data if keep else b"")

    def hexdigest(self) -> str:
        self._digest.update(self._carry)
        self._carry = b""
        return self._digest.hexdigest()


def _size(body: Any) -> int:
    here = body.tell()
    end = body.seek(0, 2)
    body.seek(here)
    return end


async def _renew(keys: Any, organization: str, key: str, claim: str, every_s: float) -> None:
    """Renews the request's hold on its key until cancelled (best effort: a missed renewal is made up by the next)."""
    request = idempotency_pb2.ReleaseKeyRequest(organization_id=organization, key=key, claim=claim)
    while True:
        await asyncio.sleep(max(every_s, MIN_RENEW_EVERY_S))
        try:
            await keys.RenewKey(request, timeout=10)
        except grpc.aio.AioRpcError:
            pass


async def _release(keys: Any, organization: str, key: str, claim: str) -> None:
    try:
        await keys.ReleaseKey(
            idempotency_pb2.ReleaseKeyRequest(organization_id=organization, key=key, claim=claim), timeout=10
        )
    except grpc.aio.AioRpcError:  # the lease lapses by itself
        pass


async def _replay(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [(k.encode(), v.encode()) for k, v in headers.items()] + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
