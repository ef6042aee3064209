"""Login tokens: a JWT (HS256, signed with the gateway's signing key) naming the user and their
organization, with an expiry; usable as `Authorization: Bearer` wherever an API key is."""

from __future__ import annotations

import time

import jwt

from services.gateway.signing import Signer

ISSUER = "ocrbatch"


def issue(signer: Signer, user_id: str, organization_id: str, ttl_s: int) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": user_id, "org": organization_id, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, signer.subkey("login"), algorithm="HS256")


def user_of(signer: Signer, token: str) -> str | None:
    """The user a valid, unexpired token of ours names; None for anything else."""
    try:
        claims = jwt.decode(
            token, signer.subkey("login"), algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    return str(claims["sub"])


def looks_like_a_token(value: str) -> bool:
    return value.count(".") == 2 and not value.startswith("ocr_")
