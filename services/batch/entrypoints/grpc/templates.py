"""TemplateService: a project's templates and the built-in ones."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import templates_pb2, templates_pb2_grpc
from services.batch.entrypoints.grpc.errors import mapped_errors, scope_of
from services.batch.service.templates import TemplateCatalog


class TemplateServicer(templates_pb2_grpc.TemplateServiceServicer):
    def __init__(self, catalog: TemplateCatalog) -> None:
        self._catalog = catalog

    @mapped_errors
    async def CreateTemplate(self, request: templates_pb2.SaveTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._catalog.create(scope_of(request.scope), request.template)

    @mapped_errors
    async def GetTemplate(self, request: templates_pb2.GetTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._catalog.get(scope_of(request.scope), request.template_id)

    @mapped_errors
    async def ListTemplates(
        self, request: templates_pb2.ListTemplatesRequest, context: Any
    ) -> templates_pb2.ListTemplatesResponse:
        return templates_pb2.ListTemplatesResponse(data=await self._catalog.list(scope_of(request.scope)))

    @mapped_errors
    async def UpdateTemplate(self, request: templates_pb2.SaveTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._catalog.update(scope_of(request.scope), request.template)

    @mapped_errors
    async def DeleteTemplate(self, request: templates_pb2.GetTemplateRequest, context: Any) -> templates_pb2.Template:
        return await self._catalog.delete(scope_of(request.scope), request.template_id)
