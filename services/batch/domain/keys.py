"""API keys: 256-bit random secrets with a recognisable prefix, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from services.batch.domain.model import ApiKey

KEY_PREFIX = "ocr_"
MAX_KEY_CHARS = 200


def hash_key(secret: str) -> str:
    # Keys are 256-bit random values, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_a_key(secret: str) -> bool:
    return secret.startswith(KEY_PREFIX) and len(secret) <= MAX_KEY_CHARS


def issue_api_key(
    key_id: str, organization_id: str, project_id: str | None, name: str, at: datetime
) -> tuple[ApiKey, str]:
    """A new key and its secret, which exists only in this answer."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        organization_id=organization_id,
        project_id=project_id or None,
        name=name.strip()[:120] or "key",
        key_hash=hash_key(secret),
        prefix=secret[:8],
        created_at=at,
    )
    return key, secret
