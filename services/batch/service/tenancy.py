"""Use cases for organizations, projects and API keys (the operator's CLI drives them)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from services.batch.domain.keys import MIN_PASSWORD_CHARS, hash_password, issue_api_key
from services.batch.domain.model import ApiKey, Organization, Project, ProjectChanges, User
from services.batch.errors import InvalidArgument, NotFound
from services.batch.ports import Tenancy
from services.batch.service.locales import checked_locale

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > 120:
        raise InvalidArgument(f"{what} name must be 1 to 120 characters")
    return value


class TenancyAdmin:
    def __init__(self, tenancy: Tenancy) -> None:
        self._tenancy = tenancy

    async def create_organization(self, name: str, credits: int) -> Organization:
        if credits < 0:
            raise InvalidArgument("credits cannot be negative")
        organization = Organization(self._tenancy.new_id(), _name(name, "organization"), credits, datetime.now(UTC))
        await self._tenancy.add_organization(organization)
        return organization

    async def list_organizations(self) -> list[Organization]:
        return await self._tenancy.list_organizations()

    async def add_credits(self, organization_id: str, credits: int) -> Organization:
        organization = await self._tenancy.add_credits(organization_id, credits)
        if organization is None:
            if await self._tenancy.get_organization(organization_id) is None:
                raise NotFound(f"organization {organization_id} not found")
            raise InvalidArgument("the balance cannot go below 0")
        return organization

    async def create_project(self, organization_id: str, name: str, locale: str = "") -> Project:
        if await self._tenancy.get_organization(organization_id) is None:
            raise NotFound(f"organization {organization_id} not found")
        project = Project(
            self._tenancy.new_id(),
            organization_id,
            _name(name, "project"),
            datetime.now(UTC),
            locale=checked_locale(locale),
        )
        await self._tenancy.add_project(project)
        return project

    async def update_project(self, project_id: str, name: str | None, locale: str | None) -> Project:
        """Changes what is given (None keeps it; an empty locale removes the project's)."""
        changes = ProjectChanges(
            name=_name(name, "project") if name is not None else None,
            locale=checked_locale(locale) if locale is not None else None,
        )
        project = await self._tenancy.update_project(project_id, changes)
        if project is None:
            raise NotFound(f"project {project_id} not found")
        return project

    async def list_projects(self, organization_id: str) -> list[Project]:
        return await self._tenancy.list_projects(organization_id)

    async def create_api_key(self, organization_id: str, project_id: str, name: str) -> tuple[ApiKey, str]:
        """A new key and its secret, which exists only in this answer: the store keeps its hash."""
        if await self._tenancy.get_organization(organization_id) is None:
            raise NotFound(f"organization {organization_id} not found")
        if project_id and not await self._tenancy.project_exists(organization_id, project_id):
            raise NotFound(f"project {project_id} not found in organization {organization_id}")
        key, secret = issue_api_key(self._tenancy.new_id(), organization_id, project_id, name, datetime.now(UTC))
        await self._tenancy.add_api_key(key)
        return key, secret

    async def list_api_keys(self, organization_id: str) -> list[ApiKey]:
        return await self._tenancy.list_api_keys(organization_id)

    async def revoke_api_key(self, key_id: str) -> ApiKey:
        key = await self._tenancy.revoke_api_key(key_id, datetime.now(UTC))
        if key is None:
            raise NotFound(f"API key {key_id} not found")
        return key

    async def create_user(self, organization_id: str, email: str, password: str, name: str) -> User:
        if await self._tenancy.get_organization(organization_id) is None:
            raise NotFound(f"organization {organization_id} not found")
        email = email.strip().lower()
        if not _EMAIL.fullmatch(email) or len(email) > 254:
            raise InvalidArgument("email must be an email address")
        if len(password) < MIN_PASSWORD_CHARS or len(password) > 1024:
            raise InvalidArgument(f"password must be {MIN_PASSWORD_CHARS} to 1024 characters")
        user = User(
            self._tenancy.new_id(),
            organization_id,
            email,
            name.strip()[:120],
            hash_password(password),
            datetime.now(UTC),
        )
        if not await self._tenancy.add_user(user):
            raise InvalidArgument(f"a user with email {email} already exists")
        return user

    async def list_users(self, organization_id: str) -> list[User]:
        return await self._tenancy.list_users(organization_id)

    async def disable_user(self, user_id: str) -> User:
        user = await self._tenancy.disable_user(user_id, datetime.now(UTC))
        if user is None:
            raise NotFound(f"user {user_id} not found")
        return user
