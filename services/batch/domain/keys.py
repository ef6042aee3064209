"""API keys (256-bit random secrets with a recognisable prefix, stored only as their SHA-256) and user
passwords (stored only as a scrypt hash: memory-hard, 16 MiB and about 50 ms a try)."""

from __future__ import annotations

import base64
import hashlib
import hmac
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


SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return kind == "scrypt" and hmac.compare_digest(got, expected)


def dummy_password_check(password: str) -> None:
    """Spends a password check's time when there is no user, so a login's timing does not tell who exists."""
    password_matches(password, _DUMMY)


_DUMMY = hash_password(secrets.token_urlsafe(16))
