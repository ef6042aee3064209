"""Use cases for API keys: resolve a key to its scope, and create the local tenant in local mode."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from services.batch.domain.keys import (
    dummy_password_check,
    hash_key,
    issue_api_key,
    looks_like_a_key,
    password_matches,
)
from services.batch.domain.model import ApiKey, Organization, Project, User
from services.batch.errors import Unauthenticated
from services.batch.ports import Tenancy

log = logging.getLogger(__name__)
LOCAL_CREDITS = 1_000_000


async def authenticate(tenancy: Tenancy, secret: str) -> ApiKey:
    key = await tenancy.find_api_key(hash_key(secret)) if looks_like_a_key(secret) else None
    if key is None:
        raise Unauthenticated("invalid API key")
    return key


async def login(tenancy: Tenancy, email: str, password: str) -> User:
    """The user with this email and password, if enabled; one answer for every way of being wrong."""
    user = await tenancy.find_user(email.strip().lower()) if len(password) <= 1024 else None
    if user is None:
        dummy_password_check(password)
    elif password_matches(password, user.password_hash) and user.disabled_at is None:
        return user
    raise Unauthenticated("invalid email or password")


async def signed_in_user(tenancy: Tenancy, user_id: str) -> User:
    """A user whose login token the gateway verified: still there and still enabled (no cache: disabling a
    user ends their sessions at once)."""
    user = await tenancy.get_user(user_id)
    if user is None or user.disabled_at is not None:
        raise Unauthenticated("the user is unknown or disabled")
    return user


async def ensure_local_tenant(tenancy: Tenancy, key_file: Path) -> dict[str, str]:
    """Local mode: one organization, project and project key, kept in key_file (mode 0600) across restarts."""
    if await asyncio.to_thread(key_file.exists):
        saved: dict[str, str] = json.loads(await asyncio.to_thread(key_file.read_text))
        if await tenancy.find_api_key(hash_key(saved["apiKey"])) is not None:
            return saved
        log.warning("the key in %s is unknown to this database; creating a new local tenant", key_file)
    at = datetime.now(UTC)
    organization = Organization(tenancy.new_id(), "Local organization", LOCAL_CREDITS, at)
    project = Project(tenancy.new_id(), organization.id, "Local project", at)
    key, secret = issue_api_key(tenancy.new_id(), organization.id, project.id, "local", at)
    await tenancy.add_organization(organization)
    await tenancy.add_project(project)
    await tenancy.add_api_key(key)
    saved = {"apiKey": secret, "organizationId": organization.id, "projectId": project.id}
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(saved, fh)
    return saved
