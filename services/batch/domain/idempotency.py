"""Idempotency keys: a create request sent again under the same key gets the first one's answer instead of a second
batch (and a second charge). What is decided here is pure; services/batch/service/idempotency.py applies it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

KEY_TTL = timedelta(hours=24)  # how long a key's answer is replayed
# How long a claim holds its key unless renewed: the gateway renews it every third of this while the request runs,
# so a request whose gateway died (or could not give the key back) frees it within this (OCRBATCH_IDEMPOTENCY_LEASE_S)
LEASE = timedelta(seconds=60)
RENEWALS_PER_LEASE = 3


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    content_type: str
    body: bytes


@dataclass
class KeyUse:
    organization_id: str
    key: str
    fingerprint: str  # a hash of the request: method, path, query, body
    claim: str  # the token of the request that holds the key
    lease_until: datetime
    expires_at: datetime
    answer: StoredAnswer | None = None  # None while the request runs


class KeyOutcome(enum.Enum):
    CLAIMED = "claimed"  # run the request
    REPLAY = "replay"  # answer with the first request's answer
    IN_PROGRESS = "in_progress"  # the first request still runs: 409
    MISMATCH = "mismatch"  # the key was used for another request: 422


def decide(use: KeyUse | None, fingerprint: str, now: datetime) -> KeyOutcome:
    if use is None or use.expires_at <= now:
        return KeyOutcome.CLAIMED
    if use.fingerprint != fingerprint:
        return KeyOutcome.MISMATCH
    if use.answer is not None:
        return KeyOutcome.REPLAY
    if use.lease_until > now:
        return KeyOutcome.IN_PROGRESS
    return KeyOutcome.CLAIMED  # the first request's gateway died while it ran: its lease lapsed
