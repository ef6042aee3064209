"""Fetches documents by URL over HTTP (httpx, streamed) for single-document extractions, from addresses the
batch service may call (services/batch/adapters/addresses.py) — every redirect's target is checked too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from services.batch.adapters.addresses import AddressCheck
from services.batch.ports import FetchedDocument, FetchFailed

# Redirects followed, each target checked like the first URL: file hosts and signed storage links redirect
# once or twice; more is a loop or an attempt to walk the address check.
MAX_REDIRECTS = 5
CHUNK_BYTES = 256 * 1024  # the gRPC upload's chunk size order: memory stays flat whatever the document's size


class HttpDocumentFetcher:
    def __init__(self, addresses: AddressCheck, timeout_s: float) -> None:
        self._addresses = addresses
        self._client = httpx.AsyncClient(
            timeout=timeout_s, follow_redirects=False, headers={"user-agent": "ocrbatch-document-fetch"}
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def refused(self, url: str) -> str | None:
        return await self._addresses.refused(url)

    @asynccontextmanager
    async def fetch(self, url: str, max_bytes: int) -> AsyncIterator[FetchedDocument]:
        reply = await self._answer(url)
        try:
            if reply.status_code != 200:
                raise FetchFailed(f"{reply.status_code} {reply.reason_phrase}".strip())
            length = reply.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchFailed(f"the document is larger than {max_bytes / (1024 * 1024):g} MB")
            mime_type = reply.headers.get("content-type", "").split(";")[0].strip()[:200]
            yield FetchedDocument(mime_type, self._chunks(reply))
        finally:
            await reply.aclose()

    async def _answer(self, url: str) -> httpx.Response:
        for _ in range(MAX_REDIRECTS + 1):
            if why := await self._addresses.refused(url):
                raise FetchFailed(why)
            try:
                reply = await self._client.send(self._client.build_request("GET", url), stream=True)
            except httpx.HTTPError as exc:
                raise FetchFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
            if not reply.has_redirect_location or reply.next_request is None:
                return reply
            url = str(reply.next_request.url)
            await reply.aclose()
        raise FetchFailed(f"more than {MAX_REDIRECTS} redirects")

    @staticmethod
    async def _chunks(reply: httpx.Response) -> AsyncIterator[bytes]:
        try:
            async for chunk in reply.aiter_bytes(CHUNK_BYTES):
                yield chunk
        except httpx.HTTPError as exc:
            raise FetchFailed(f"the transfer broke: {type(exc).__name__}: {exc}"[:300]) from None
