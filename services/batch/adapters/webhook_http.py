"""Sends webhook requests over HTTP (httpx) and checks where a URL leads before anything is sent."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import httpx

from services.batch.domain.webhooks import TIMEOUT_S, parse_retry_after, refused_address
from services.batch.ports import SendResult


class HttpWebhookSender:
    def __init__(self, allowed: frozenset[str]) -> None:
        self._allowed = allowed
        # no redirects: a 3xx is an answer of the endpoint, not a way around the address check
        self._client = httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False)

    async def close(self) -> None:
        await self._client.aclose()

    async def refused(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "the URL must be http(s)://host/…"
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except OSError:
            return f"the host {parts.hostname} does not resolve"
        for info in infos:
            why = refused_address(str(info[4][0]), self._allowed)
            if why:
                return why
        return None

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> SendResult:
        why = await self.refused(url)  # checked again at each send: DNS may have changed since registration
        if why:
            return SendResult(0, why)
        try:
            reply = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return SendResult(0, f"{type(exc).__name__}: {exc}"[:300])
        error = "" if 200 <= reply.status_code < 300 else reply.text[:300]
        return SendResult(reply.status_code, error, parse_retry_after(reply.headers.get("retry-after")))
