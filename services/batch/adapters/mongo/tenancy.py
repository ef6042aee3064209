"""Organizations (with their credit balance), projects and API keys in MongoDB."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId
from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.documents import (
    Document,
    api_key_doc,
    api_key_of,
    oid,
    organization_doc,
    organization_of,
    project_doc,
    project_of,
    user_doc,
    user_of,
)
from services.batch.domain.model import ApiKey, Organization, Project, ProjectChanges, User


class MongoTenancy:
    def __init__(self, database: Database) -> None:
        self._organizations = database.organizations
        self._projects = database.projects
        self._keys = database.api_keys
        self._users = database.users

    def new_id(self) -> str:
        return str(ObjectId())

    async def add_organization(self, organization: Organization) -> None:
        await self._organizations.insert_one(organization_doc(organization))

    async def list_organizations(self) -> list[Organization]:
        return [organization_of(doc) async for doc in self._organizations.find().sort("createdAt", ASCENDING)]

    async def get_organization(self, organization_id: str) -> Organization | None:
        key = oid(organization_id)
        doc = await self._organizations.find_one({"_id": key}) if key else None
        return organization_of(doc) if doc else None

    async def add_credits(self, organization_id: str, credits: int) -> Organization | None:
        key = oid(organization_id)
        if key is None:
            return None
        # taking credits away never leaves a negative balance
        flt: Document = {"_id": key} if credits >= 0 else {"_id": key, "credits": {"$gte": -credits}}
        doc = await self._organizations.find_one_and_update(
            flt, {"$inc": {"credits": credits}}, return_document=ReturnDocument.AFTER
        )
        return organization_of(doc) if doc else None

    async def charge_credits(self, organization_id: str, credits: int) -> bool:
        """Takes credits only if the balance covers all of them, in one atomic update (no overdraft)."""
        key = oid(organization_id)
        if key is None:
            return False
        result = await self._organizations.update_one(
            {"_id": key, "credits": {"$gte": credits}}, {"$inc": {"credits": -credits}}
        )
        return result.modified_count == 1

    async def add_project(self, project: Project) -> None:
        await self._projects.insert_one(project_doc(project))

    async def list_projects(self, organization_id: str) -> list[Project]:
        cursor = self._projects.find({"organizationId": organization_id}).sort("createdAt", ASCENDING)
        return [project_of(doc) async for doc in cursor]

    async def get_project(self, organization_id: str, project_id: str) -> Project | None:
        key = oid(project_id)
        doc = await self._projects.find_one({"_id": key, "organizationId": organization_id}) if key else None
        return project_of(doc) if doc else None

    async def update_project(self, project_id: str, changes: ProjectChanges) -> Project | None:
        key = oid(project_id)
        if key is None:
            return None
        fields: Document = {}
        if changes.name is not None:
            fields["name"] = changes.name
        if changes.locale is not None:
            fields["locale"] = changes.locale
        if not fields:
            doc = await self._projects.find_one({"_id": key})
        else:
            doc = await self._projects.find_one_and_update(
                {"_id": key}, {"$set": fields}, return_document=ReturnDocument.AFTER
            )
        return project_of(doc) if doc else None

    async def project_exists(self, organization_id: str, project_id: str) -> bool:
        key = oid(project_id)
        if key is None:
            return False
        return await self._projects.count_documents({"_id": key, "organizationId": organization_id}, limit=1) > 0

    async def add_api_key(self, key: ApiKey) -> None:
        await self._keys.insert_one(api_key_doc(key))

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        doc = await self._keys.find_one({"keyHash": key_hash, "revokedAt": None})
        return api_key_of(doc) if doc else None

    async def list_api_keys(self, organization_id: str) -> list[ApiKey]:
        cursor = self._keys.find({"organizationId": organization_id}).sort("createdAt", ASCENDING)
        return [api_key_of(doc) async for doc in cursor]

    async def revoke_api_key(self, key_id: str, at: datetime) -> ApiKey | None:
        key = oid(key_id)
        if key is None:
            return None
        doc = await self._keys.find_one_and_update(
            {"_id": key}, {"$set": {"revokedAt": at}}, return_document=ReturnDocument.AFTER
        )
        return api_key_of(doc) if doc else None

    async def add_user(self, user: User) -> bool:
        try:
            await self._users.insert_one(user_doc(user))
        except DuplicateKeyError:
            return False
        return True

    async def get_user(self, user_id: str) -> User | None:
        key = oid(user_id)
        doc = await self._users.find_one({"_id": key}) if key else None
        return user_of(doc) if doc else None

    async def find_user(self, email: str) -> User | None:
        doc = await self._users.find_one({"email": email.strip().lower()})
        return user_of(doc) if doc else None

    async def list_users(self, organization_id: str) -> list[User]:
        cursor = self._users.find({"organizationId": organization_id}).sort("createdAt", ASCENDING)
        return [user_of(doc) async for doc in cursor]

    async def disable_user(self, user_id: str, at: datetime) -> User | None:
        key = oid(user_id)
        if key is None:
            return None
        doc = await self._users.find_one_and_update(
            {"_id": key}, {"$set": {"disabledAt": at}}, return_document=ReturnDocument.AFTER
        )
        return user_of(doc) if doc else None
