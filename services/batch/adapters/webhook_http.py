"""Sends webhook requests over HTTP (httpx) and checks where a URL leads before anything is sent."""

from __future__ import annotations

import httpx

from services.batch.adapters.addresses import AddressCheck
from services.batch.domain.webhooks import TIMEOUT_S, parse_retry_after
from services.batch.ports import SendResult


class HttpWebhookSender:
    def __init__(self, allowed: frozenset[str]) -> None:
        self._addresses = AddressCheck(allowed)
        # no redirects: a 3xx is an answer of the endpoint, not a way around the address check
        self._client = httpx.AsyncClient(timeout=TIMEOUT_S, follow_redirects=False)

    async def close(self) -> None:
        await self._client.aclose()

    async def refused(self, url: str) -> str | None:
        return await self._addresses.refused(url)

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
