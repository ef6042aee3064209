"""Use cases for organizations, projects and API keys (the operator's CLI drives them)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.batch.adapters.store import Store
from services.batch.errors import InvalidArgument, NotFound
from services.batch.service.auth import hash_key, new_api_key

Doc = dict[str, Any]


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > 120:
        raise InvalidArgument(f"{what} name must be 1 to 120 characters")
    return value


class Tenancy:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def create_organization(self, name: str, credits: int) -> Doc:
        if credits < 0:
            raise InvalidArgument("credits cannot be negative")
        doc = {"id": self._store.new_id(), "name": _name(name, "organization"), "credits": credits}
        await self._store.insert_organization({**doc, "createdAt": datetime.now(UTC)})
        return {**doc, "createdAt": datetime.now(UTC)}

    async def add_credits(self, organization_id: str, credits: int) -> Doc:
        doc = await self._store.add_credits(organization_id, credits)
        if doc is None:
            if await self._store.get_organization(organization_id) is None:
                raise NotFound(f"organization {organization_id} not found")
            raise InvalidArgument("the balance cannot go below 0")
        return doc

    async def create_project(self, organization_id: str, name: str) -> Doc:
        if await self._store.get_organization(organization_id) is None:
            raise NotFound(f"organization {organization_id} not found")
        doc = {
            "id": self._store.new_id(),
            "organizationId": organization_id,
            "name": _name(name, "project"),
            "createdAt": datetime.now(UTC),
        }
        await self._store.insert_project(doc)
        return doc

    async def create_api_key(self, organization_id: str, project_id: str, name: str) -> tuple[Doc, str]:
        """A new key and its secret, which exists only in this answer: the store keeps its hash."""
        if await self._store.get_organization(organization_id) is None:
            raise NotFound(f"organization {organization_id} not found")
        if project_id and not await self._store.project_exists(organization_id, project_id):
            raise NotFound(f"project {project_id} not found in organization {organization_id}")
        secret = new_api_key()
        doc = {
            "id": self._store.new_id(),
            "organizationId": organization_id,
            "projectId": project_id or None,
            "name": name.strip()[:120] or "key",
            "keyHash": hash_key(secret),
            "prefix": secret[:8],
            "revokedAt": None,
            "createdAt": datetime.now(UTC),
        }
        await self._store.insert_api_key(doc)
        return {k: v for k, v in doc.items() if k != "keyHash"}, secret

    async def revoke_api_key(self, key_id: str) -> Doc:
        doc = await self._store.revoke_api_key(key_id, datetime.now(UTC))
        if doc is None:
            raise NotFound(f"API key {key_id} not found")
        return doc
