"""AdminService: organizations, projects, keys and credits; the operator's CLI (`ocrbatch admin`) is its client."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import tenancy_pb2, tenancy_pb2_grpc
from services.batch.entrypoints.grpc.errors import mapped_errors
from services.batch.entrypoints.grpc.messages import (
    api_key_message,
    organization_message,
    project_message,
    user_message,
)
from services.batch.service.tenancy import TenancyAdmin


class AdminServicer(tenancy_pb2_grpc.AdminServiceServicer):
    def __init__(self, admin: TenancyAdmin) -> None:
        self._admin = admin

    @mapped_errors
    async def CreateOrganization(self, request: tenancy_pb2.CreateOrganizationRequest, context: Any) -> Any:
        return organization_message(await self._admin.create_organization(request.name, request.credits))

    @mapped_errors
    async def ListOrganizations(self, request: tenancy_pb2.ListOrganizationsRequest, context: Any) -> Any:
        found = await self._admin.list_organizations()
        return tenancy_pb2.ListOrganizationsResponse(data=[organization_message(o) for o in found])

    @mapped_errors
    async def AddCredits(self, request: tenancy_pb2.AddCreditsRequest, context: Any) -> Any:
        return organization_message(await self._admin.add_credits(request.organization_id, request.credits))

    @mapped_errors
    async def CreateProject(self, request: tenancy_pb2.CreateProjectRequest, context: Any) -> Any:
        return project_message(await self._admin.create_project(request.organization_id, request.name, request.locale))

    @mapped_errors
    async def UpdateProject(self, request: tenancy_pb2.UpdateProjectRequest, context: Any) -> Any:
        project = await self._admin.update_project(
            request.project_id,
            request.name if request.HasField("name") else None,
            request.locale if request.HasField("locale") else None,
        )
        return project_message(project)

    @mapped_errors
    async def ListProjects(self, request: tenancy_pb2.ListProjectsRequest, context: Any) -> Any:
        found = await self._admin.list_projects(request.organization_id)
        return tenancy_pb2.ListProjectsResponse(data=[project_message(p) for p in found])

    @mapped_errors
    async def CreateApiKey(self, request: tenancy_pb2.CreateApiKeyRequest, context: Any) -> Any:
        key, secret = await self._admin.create_api_key(request.organization_id, request.project_id, request.name)
        return tenancy_pb2.CreatedApiKey(key=api_key_message(key), secret=secret)

    @mapped_errors
    async def ListApiKeys(self, request: tenancy_pb2.ListApiKeysRequest, context: Any) -> Any:
        found = await self._admin.list_api_keys(request.organization_id)
        return tenancy_pb2.ListApiKeysResponse(data=[api_key_message(k) for k in found])

    @mapped_errors
    async def RevokeApiKey(self, request: tenancy_pb2.RevokeApiKeyRequest, context: Any) -> Any:
        return api_key_message(await self._admin.revoke_api_key(request.key_id))

    @mapped_errors
    async def CreateUser(self, request: tenancy_pb2.CreateUserRequest, context: Any) -> Any:
        user = await self._admin.create_user(request.organization_id, request.email, request.password, request.name)
        return user_message(user)

    @mapped_errors
    async def ListUsers(self, request: tenancy_pb2.ListUsersRequest, context: Any) -> Any:
        found = await self._admin.list_users(request.organization_id)
        return tenancy_pb2.ListUsersResponse(data=[user_message(u) for u in found])

    @mapped_errors
    async def DisableUser(self, request: tenancy_pb2.DisableUserRequest, context: Any) -> Any:
        return user_message(await self._admin.disable_user(request.user_id))
