"""Signing in and what a caller may use: POST /auth/login, GET /v1/openapi/projects."""

from __future__ import annotations

from typing import Annotated

import grpc
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from ocrbatch.v1 import batch_pb2, tenancy_pb2
from services.common.convert import iso_or_none
from services.gateway import login
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError, from_grpc
from services.gateway.ratelimit import FailureLimiter, retry_after

router = APIRouter(tags=["auth"])
Auth = Annotated[Principal, Depends(authenticate)]
WINDOW_S = 15 * 60


class Credentials(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


ADDRESS_FACTOR = 10  # an address (an office behind one NAT) may fail ten times as often as one account


def _limiters(request: Request) -> tuple[FailureLimiter, FailureLimiter]:
    state = request.app.state
    if not hasattr(state, "login_failures"):
        per_account = state.settings.login_failures_per_15_min
        state.login_failures = (
            FailureLimiter(per_account, WINDOW_S),
            FailureLimiter(per_account * ADDRESS_FACTOR, WINDOW_S),
        )
    limiters: tuple[FailureLimiter, FailureLimiter] = state.login_failures
    return limiters


@router.post(
    "/auth/login",
    responses={401: {"description": "wrong email or password"}, 429: {"description": "too many failed tries"}},
)
async def sign_in(request: Request, credentials: Credentials) -> dict[str, object]:
    """Email and password → a login token for `Authorization: Bearer`, valid for OCRBATCH_LOGIN_TTL_S."""
    accounts, addresses = _limiters(request)
    account = credentials.email.strip().lower()
    address = request.client.host if request.client else ""
    wait = max(accounts.wait(account), addresses.wait(address))
    if wait:
        raise ApiError(429, "too many failed sign-ins: try again later", {"Retry-After": retry_after(wait)})
    try:
        principal = await request.app.state.backends.auth.Login(
            batch_pb2.LoginRequest(email=credentials.email, password=credentials.password), timeout=10
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            accounts.failed(account)
            addresses.failed(address)
        raise from_grpc(exc) from None
    accounts.forget(account)
    ttl = request.app.state.settings.login_ttl_s
    token = login.issue(request.app.state.signer, principal.user_id, principal.organization_id, ttl)
    return {
        "accessToken": token,
        "tokenType": "Bearer",
        "expiresIn": ttl,
        "userId": principal.user_id,
        "organizationId": principal.organization_id,
    }


@router.get("/v1/openapi/projects", tags=["projects"])
async def list_projects(request: Request, principal: Auth) -> dict[str, object]:
    """The projects the caller may name: a project key's own, else every project of the organization."""
    reply = await request.app.state.backends.admin.ListProjects(
        tenancy_pb2.ListProjectsRequest(organization_id=principal.organization_id), timeout=10
    )
    projects = [p for p in reply.data if not principal.project_id or p.id == principal.project_id]
    return {"data": [_project_json(p) for p in projects]}


def _project_json(p: tenancy_pb2.Project) -> dict[str, object]:
    out: dict[str, object] = {
        "id": p.id,
        "name": p.name,
        "organizationId": p.organization_id,
        "createdAt": iso_or_none(p.created_at, p.HasField("created_at")),
    }
    if p.locale:  # shown when the project has one (as a template's)
        out["locale"] = p.locale
    return out
