"""Which URLs the batch service may call for a client (webhooks, documents fetched by URL), and what it says
when it may not."""

from __future__ import annotations

import pytest

from services.batch.adapters.addresses import AddressCheck
from services.batch.service.declared import shown_url


@pytest.mark.parametrize(
    ("url", "allowed", "why"),
    [
        ("http://10.1.2.3/a.pdf", "", "10.1.2.3 is a private address; OCRBATCH_WEBHOOK_ALLOW does not allow private"),
        ("http://169.254.169.254/latest/", "", "169.254.169.254 is a link-local address; OCRBATCH_WEBHOOK_ALLOW"),
        ("http://localhost:1/a", "", "localhost resolves to "),
        ("http://[fd00::1]/a", "", "fd00::1 is a private address"),
        ("http://0.0.0.0/a", "loopback,private,link-local", "0.0.0.0 is an unspecified, multicast or reserved"),
        ("ftp://example.org/a", "", "the URL must be http(s)://host/…"),
        ("http://example.org:99999/a", "", "the URL's port is not a number"),
        ("http://127.0.0.1:8/a", "loopback", None),
    ],
)
async def test_a_url_is_refused_with_the_reason_or_allowed(url: str, allowed: str, why: str | None) -> None:
    check = AddressCheck(frozenset(a for a in allowed.split(",") if a))
    refused = await check.refused(url)
    if why is None:
        assert refused is None
    else:
        assert refused is not None and refused.startswith(why), refused


def test_a_failure_reason_shows_the_url_without_its_query_or_credentials() -> None:
    assert shown_url("https://user:pw@files.example/a/b.pdf?X-Signature=abc#p") == "https://files.example/a/b.pdf"
