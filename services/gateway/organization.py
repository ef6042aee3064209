"""The organization API (/batch/{orgId}/…, /upload/{orgId}/…): the Open API's routes with the organization
named in the path. One endpoint serves both; here it gains the orgId parameter and refuses a key of
another organization."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

from services.gateway.auth import Principal
from services.gateway.errors import ApiError


def in_organization(principal: Principal, org_id: str) -> Principal:
    """The organization API names the organization in the path: a key of another one is refused."""
    if org_id != principal.organization_id:
        raise ApiError(401, "the API key does not belong to this organization")
    return principal


def organization_endpoint(endpoint: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`endpoint` with an `orgId` path parameter that must be its principal's organization."""

    @functools.wraps(endpoint)
    async def scoped(*args: Any, orgId: str, **kwargs: Any) -> Any:  # noqa: N803 (API field name)
        kwargs["principal"] = in_organization(kwargs["principal"], orgId)
        return await endpoint(*args, **kwargs)

    signature = inspect.signature(endpoint)
    org_id = inspect.Parameter("orgId", inspect.Parameter.KEYWORD_ONLY, annotation=str)
    scoped.__signature__ = signature.replace(parameters=[*signature.parameters.values(), org_id])  # type: ignore[attr-defined]
    return scoped


def mirror(router: APIRouter, org_router: APIRouter) -> None:
    """Every route of an Open API router, also under the organization API's router (same endpoint, same
    documentation, plus the orgId path parameter)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        org_router.add_api_route(
            route.path.removeprefix(router.prefix),
            organization_endpoint(route.endpoint),
            methods=sorted(route.methods),
            status_code=route.status_code,
            name=f"org_{route.name}",
            openapi_extra=route.openapi_extra,
        )
