"""Webhook signatures as the Standard Webhooks package checks them; the retry schedule; allowed targets."""

import json

import pytest
from standardwebhooks import Webhook

from services.batch.domain.addresses import refused_address
from services.batch.domain.webhooks import DEFAULT_SCHEDULE_S, new_secret, next_wait, signature


def test_our_signature_verifies_with_the_standard_webhooks_package():
    secret, body = new_secret(), json.dumps({"type": "batch.completed"}).encode()
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(__import__("time").time()))}
    headers["webhook-signature"] = signature(secret, "msg_1", int(headers["webhook-timestamp"]), body)
    assert Webhook(secret).verify(body, headers) == {"type": "batch.completed"}
    with pytest.raises(Exception):  # noqa: B017 (the package's own verification error)
        Webhook(new_secret()).verify(body, headers)


def test_the_schedule_waits_longer_each_time_with_jitter_and_ends():
    waits = [next_wait(n, DEFAULT_SCHEDULE_S, None) for n in range(1, 8)]
    for wait, planned in zip(waits, DEFAULT_SCHEDULE_S, strict=True):
        assert planned * 0.9 <= wait <= planned * 1.1
    assert next_wait(8, DEFAULT_SCHEDULE_S, None) is None  # 8 attempts in all, then the delivery fails
    assert next_wait(1, DEFAULT_SCHEDULE_S, retry_after=120) >= 120  # a longer Retry-After is honoured
    assert next_wait(1, DEFAULT_SCHEDULE_S, retry_after=10**9) <= 36000  # within reason


@pytest.mark.parametrize(
    ("address", "allowed", "refused"),
    [
        ("93.184.216.34", frozenset(), False),
        ("127.0.0.1", frozenset(), True),
        ("127.0.0.1", frozenset({"loopback"}), False),
        ("10.1.2.3", frozenset({"loopback"}), True),
        ("192.168.1.9", frozenset({"private"}), False),
        ("169.254.169.254", frozenset({"private"}), True),  # cloud metadata: link-local
        ("::1", frozenset(), True),
        ("0.0.0.0", frozenset({"loopback", "private", "link-local"}), True),
    ],
)
def test_private_loopback_and_link_local_targets_are_refused_unless_allowed(address, allowed, refused):
    assert (refused_address(address, allowed) is not None) is refused
