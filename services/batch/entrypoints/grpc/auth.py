"""AuthService: the gateway resolves API keys and checks projects here."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc
from services.batch.entrypoints.grpc.errors import mapped_errors
from services.batch.ports import Tenancy
from services.batch.service import auth


class AuthServicer(batch_pb2_grpc.AuthServiceServicer):
    def __init__(self, tenancy: Tenancy) -> None:
        self._tenancy = tenancy

    @mapped_errors
    async def CheckProject(
        self, request: batch_pb2.CheckProjectRequest, context: Any
    ) -> batch_pb2.CheckProjectResponse:
        exists = await self._tenancy.project_exists(request.organization_id, request.project_id)
        return batch_pb2.CheckProjectResponse(exists=exists)

    @mapped_errors
    async def Authenticate(self, request: batch_pb2.AuthenticateRequest, context: Any) -> batch_pb2.Principal:
        key = await auth.authenticate(self._tenancy, request.api_key)
        return batch_pb2.Principal(
            organization_id=key.organization_id, project_id=key.project_id or "", key_id=key.id, user_id=key.id
        )
