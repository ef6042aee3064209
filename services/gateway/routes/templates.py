"""Open API template routes: list, create, read, replace and delete a project's templates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from google.protobuf.json_format import MessageToDict, ParseDict, ParseError

from ocrbatch.v1 import templates_pb2
from services.gateway.auth import Principal, authenticate
from services.gateway.errors import ApiError

router = APIRouter(prefix="/v1/openapi/templates", tags=["templates"])
Auth = Annotated[Principal, Depends(authenticate)]
TemplateBody = Annotated[dict[str, Any], Body(description="name, resultFormat, fields[]: {name, type, rule}")]


def template_json(template: templates_pb2.Template) -> dict[str, Any]:
    out = MessageToDict(template)
    out.setdefault("fields", [])
    out.setdefault("builtin", False)
    out.setdefault("resultFormat", "json")
    return out


def parse_template(body: dict[str, Any]) -> templates_pb2.Template:
    body = {k: v for k, v in body.items() if k not in ("id", "projectId", "builtin", "createdAt", "updatedAt")}
    try:
        return ParseDict(body, templates_pb2.Template())
    except ParseError as exc:
        raise ApiError(400, f"invalid template: {exc}") from None


@router.get("")
async def list_templates(request: Request, principal: Auth, projectId: str | None = None) -> dict:  # noqa: N803
    reply = await request.app.state.backends.templates.ListTemplates(
        templates_pb2.ListTemplatesRequest(scope=await principal.scope(projectId)), timeout=30
    )
    return {"data": [template_json(t) for t in reply.data]}


@router.post("", status_code=201)
async def create_template(
    request: Request,
    principal: Auth,
    body: TemplateBody,
    projectId: str | None = None,  # noqa: N803
) -> JSONResponse:
    scope = await principal.scope(projectId)
    template = await request.app.state.backends.templates.CreateTemplate(
        templates_pb2.SaveTemplateRequest(scope=scope, template=parse_template(body)), timeout=30
    )
    return JSONResponse(template_json(template), status_code=201)


@router.get("/{template_id}")
async def get_template(request: Request, principal: Auth, template_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    template = await request.app.state.backends.templates.GetTemplate(
        templates_pb2.GetTemplateRequest(scope=await principal.scope(projectId), template_id=template_id), timeout=30
    )
    return template_json(template)


@router.put("/{template_id}")
async def replace_template(
    request: Request,
    principal: Auth,
    template_id: str,
    body: TemplateBody,
    projectId: str | None = None,  # noqa: N803
) -> dict:
    template = parse_template(body)
    template.id = template_id
    saved = await request.app.state.backends.templates.UpdateTemplate(
        templates_pb2.SaveTemplateRequest(scope=await principal.scope(projectId), template=template), timeout=30
    )
    return template_json(saved)


@router.delete("/{template_id}")
async def delete_template(request: Request, principal: Auth, template_id: str, projectId: str | None = None) -> dict:  # noqa: N803
    await request.app.state.backends.templates.DeleteTemplate(
        templates_pb2.GetTemplateRequest(scope=await principal.scope(projectId), template_id=template_id), timeout=30
    )
    return {"id": template_id, "deleted": True}


# The REST reference's routes (Bearer login token or API key): the same endpoints under their paths.
rest_router = APIRouter(prefix="/templates", tags=["templates (REST reference)"])
rest_router.add_api_route("", list_templates, methods=["GET"], name="rest_list_templates")
rest_router.add_api_route("", create_template, methods=["POST"], status_code=201, name="rest_create_template")
