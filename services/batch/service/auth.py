"""Use cases for API keys: resolve a key to its scope, and create the local tenant in local mode."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.batch.adapters.store import Store
from services.batch.errors import Unauthenticated

log = logging.getLogger(__name__)
KEY_PREFIX = "ocr_"


def hash_key(api_key: str) -> str:
    # Keys are 256-bit random values, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def authenticate(store: Store, api_key: str) -> dict[str, Any]:
    if not api_key.startswith(KEY_PREFIX) or len(api_key) > 200:
        raise Unauthenticated("invalid API key")
    key = await store.find_api_key(hash_key(api_key))
    if key is None:
        raise Unauthenticated("invalid API key")
    return key


async def ensure_local_tenant(store: Store, key_file: Path) -> dict[str, str]:
    """Local mode: one organization, project and project key, kept in key_file (mode 0600) across restarts."""
    if await asyncio.to_thread(key_file.exists):
        saved = json.loads(await asyncio.to_thread(key_file.read_text))
        if await store.find_api_key(hash_key(saved["apiKey"])) is not None:
            return saved
        log.warning("the key in %s is unknown to this database; creating a new local tenant", key_file)
    at = datetime.now(UTC)
    org_id, project_id, key_id = store.new_id(), store.new_id(), store.new_id()
    api_key = new_api_key()
    await store.insert_tenant(
        {"id": org_id, "name": "Local organization", "credits": 1_000_000, "createdAt": at},
        {"id": project_id, "organizationId": org_id, "name": "Local project", "createdAt": at},
        {
            "id": key_id,
            "organizationId": org_id,
            "projectId": project_id,
            "name": "local",
            "keyHash": hash_key(api_key),
            "prefix": api_key[:8],
            "revokedAt": None,
            "createdAt": at,
        },
    )
    saved = {"apiKey": api_key, "organizationId": org_id, "projectId": project_id}
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(saved, fh)
    return saved
