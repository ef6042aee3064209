"""Authentication: an API key (X-API-Key or Authorization: Bearer) or a login token (Authorization: Bearer,
from POST /auth/login), resolved to a principal by the batch service on every request (no cache: a revoked
key or a disabled user fails at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Protocol

import grpc
from fastapi import Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from ocrbatch.v1 import batch_pb2, common_pb2
from services.gateway import login
from services.gateway.errors import ApiError, from_grpc
from services.gateway.ratelimit import retry_after


class ProjectChecker(Protocol):
    async def __call__(self, organization_id: str, project_id: str) -> bool: ...


@dataclass(frozen=True)
class Principal:
    organization_id: str
    project_id: str  # empty for an organization key
    key_id: str
    user_id: str
    project_exists: ProjectChecker = field(compare=False, repr=False)

    async def scope(self, project_id: str | None) -> common_pb2.Scope:
        """The scope of a request: a project key implies its project; an organization key must name one
        of its organization's projects."""
        project_id = (project_id or "").strip()
        if self.project_id:
            if project_id and project_id != self.project_id:
                raise ApiError(401, "projectId does not match the API key's project")
            project_id = self.project_id
        elif not project_id:
            raise ApiError(400, "projectId is required for an organization key")
        elif not await self.project_exists(self.organization_id, project_id):
            raise ApiError(401, "projectId is not a project of the API key's organization")
        return common_pb2.Scope(organization_id=self.organization_id, project_id=project_id, user_id=self.user_id)


def _presented_key(request: HTTPConnection) -> str:
    key = request.headers.get("x-api-key", "").strip()
    if not key and request.scope["type"] == "websocket":  # browsers cannot set headers on a WebSocket
        key = request.query_params.get("apiKey", "").strip()
    if not key:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
    if not key:
        raise ApiError(401, "an API key or login token is required (X-API-Key header or Authorization: Bearer)")
    return key


# Declared for the OpenAPI document (Authorize in /docs); the credentials are read in _presented_key.
API_KEY = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key, ocr_…")
BEARER = HTTPBearer(auto_error=False, description="an API key, or a login token from POST /auth/login")


async def organization_of(request: HTTPConnection) -> str | None:
    """The caller's organization, or None where the credentials do not resolve (the route then says why); no rate
    limit is taken (the route's authenticate takes it)."""
    try:
        return (await _resolved(request)).organization_id
    except ApiError:
        return None


async def _resolved(request: HTTPConnection) -> batch_pb2.Principal:
    key = _presented_key(request)
    auth = request.app.state.backends.auth
    ask = batch_pb2.AuthenticateRequest(api_key=key)
    if login.looks_like_a_token(key):
        user_id = login.user_of(request.app.state.signer, key)
        if user_id is None:
            raise ApiError(401, "the login token is invalid or has expired")
        ask = batch_pb2.AuthenticateRequest(user_id=user_id)
    try:
        return await auth.Authenticate(ask, timeout=10)
    except grpc.aio.AioRpcError as exc:
        raise from_grpc(exc) from None


async def authenticate(
    request: HTTPConnection,
    _key: Annotated[str | None, Security(API_KEY)] = None,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Principal:
    """FastAPI dependency: the caller's principal, or 401; then the key's rate limit, or 429."""
    reply = await _resolved(request)
    auth = request.app.state.backends.auth
    wait = request.app.state.rate_limiter.take(reply.key_id)
    if wait:
        raise ApiError(429, "rate limit exceeded: slow down and retry later", {"Retry-After": retry_after(wait)})

    async def project_exists(organization_id: str, project_id: str) -> bool:
        check = batch_pb2.CheckProjectRequest(organization_id=organization_id, project_id=project_id)
        try:
            return (await auth.CheckProject(check, timeout=10)).exists
        except grpc.aio.AioRpcError as exc:
            raise from_grpc(exc) from None

    return Principal(reply.organization_id, reply.project_id, reply.key_id, reply.user_id, project_exists)
