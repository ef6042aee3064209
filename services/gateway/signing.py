"""Signed, expiring links served by the gateway without an API key: HMAC-SHA256 over what the link is for
and its expiry, with the gateway's signing key (OCRBATCH_SIGNING_KEY; `make up` keeps one in its home)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time

log = logging.getLogger(__name__)


class Signer:
    def __init__(self, key: str) -> None:
        if not key:
            log.warning("OCRBATCH_SIGNING_KEY is unset: signed links and logins last only as long as this process")
            key = secrets.token_urlsafe(32)
        self._key = key.encode()

    def subkey(self, purpose: str) -> bytes:
        """A key of its own for each use (links, login tokens), derived from the one setting."""
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()

    def signature(self, *parts: str) -> str:
        mac = hmac.new(self.subkey("links"), "\n".join(parts).encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def sign(self, *parts: str, ttl_s: float) -> tuple[int, str]:
        """(expires, signature) for a link to `parts`, good for ttl_s seconds."""
        expires = int(time.time() + ttl_s)
        return expires, self.signature(*parts, str(expires))

    def valid(self, *parts: str, expires: int, signature: str) -> bool:
        """The signature is ours for these parts and expiry, and the expiry has not passed."""
        expected = self.signature(*parts, str(expires)).encode()
        return expires >= time.time() and hmac.compare_digest(expected, signature.encode("utf-8", "replace"))
