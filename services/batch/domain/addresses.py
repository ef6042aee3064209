"""Which network addresses the batch service may call on a client's behalf: webhook targets and the documents
it fetches by URL. Public addresses, and what the operator allows on top (OCRBATCH_WEBHOOK_ALLOW: a
comma-separated list of loopback, private, link-local) — so that a client cannot make the service reach its
own network, its loopback services or a cloud metadata endpoint (169.254.169.254 is link-local)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

ALLOW_SETTING = "OCRBATCH_WEBHOOK_ALLOW"

_KINDS: dict[str, Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]] = {
    "loopback": lambda ip: ip.is_loopback,
    "private": lambda ip: ip.is_private and not ip.is_loopback and not ip.is_link_local,
    "link-local": lambda ip: ip.is_link_local,
}


def refused_address(address: str, allowed: frozenset[str]) -> str | None:
    """Why an address may not be called ("a private address; …", to follow "10.1.2.3 is"), or None when it may."""
    ip = ipaddress.ip_address(address)
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return "an unspecified, multicast or reserved address, which cannot be called"
    for kind, test in _KINDS.items():
        if test(ip):
            if kind in allowed:
                return None
            return f"a {kind} address; {ALLOW_SETTING} does not allow {kind} addresses"
    return None
