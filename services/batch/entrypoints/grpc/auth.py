"""AuthService: the gateway resolves API keys and checks projects here."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import batch_pb2, batch_pb2_grpc
from services.batch.domain.model import User
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
        if request.user_id:
            user = await auth.signed_in_user(self._tenancy, request.user_id)
            return _user_principal(user)
        key = await auth.authenticate(self._tenancy, request.api_key)
        return batch_pb2.Principal(
            organization_id=key.organization_id, project_id=key.project_id or "", key_id=key.id, user_id=key.id
        )

    @mapped_errors
    async def Login(self, request: batch_pb2.LoginRequest, context: Any) -> batch_pb2.Principal:
        return _user_principal(await auth.login(self._tenancy, request.email, request.password))


def _user_principal(user: User) -> batch_pb2.Principal:
    """A signed-in user acts for their organization, like an organization key: each request names a project."""
    return batch_pb2.Principal(organization_id=user.organization_id, key_id=f"user:{user.id}", user_id=user.id)
