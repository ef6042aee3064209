"""Checks where a URL leads before the batch service calls it (webhooks, documents fetched by URL): every
address its host resolves to must pass services/batch/domain/addresses.py."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from services.batch.domain.addresses import refused_address


class AddressCheck:
    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed

    async def refused(self, url: str) -> str | None:
        """Why the URL may not be called, or None when it may."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "the URL must be http(s)://host/…"
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "the URL's port is not a number from 0 to 65535"
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return f"the host {parts.hostname} does not resolve"
        for info in infos:
            address = str(info[4][0])
            why = refused_address(address, self.allowed)
            if why:
                if address == parts.hostname:
                    return f"{address} is {why}"
                return f"{parts.hostname} resolves to {address}, {why}"
        return None
