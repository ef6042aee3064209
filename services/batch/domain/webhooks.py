"""Webhooks: endpoints, the deliveries of events to them, Standard Webhooks signatures, the retry schedule
and which targets may be called."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class EventType(StrEnum):
    BATCH_UPLOADED = "batch.uploaded"  # every file received and queued
    BATCH_COMPLETED = "batch.completed"  # completed, partially_failed or failed


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # every attempt of the schedule failed
    CANCELLED = "cancelled"  # the endpoint was disabled or deleted before it succeeded


# Waits before the 2nd, 3rd … attempt (Standard Webhooks' suggestion); OCRBATCH_WEBHOOK_RETRY_SCHEDULE_S.
DEFAULT_SCHEDULE_S = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
JITTER = 0.1  # ± 10 % of each wait, so endpoints that failed together are not retried together
TIMEOUT_S = 15.0
MAX_RETRY_AFTER_S = 36000.0  # an endpoint may ask to wait up to 10 hours, not longer
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the secret's bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass
class Endpoint:
    id: str
    organization_id: str
    project_id: str
    url: str
    events: list[str]
    secret: str
    created_at: datetime
    description: str = ""
    disabled: bool = False
    disabled_reason: str = ""
    deleted_at: datetime | None = None

    def wants(self, event_type: str) -> bool:
        return not self.disabled and self.deleted_at is None and event_type in self.events


@dataclass
class Attempt:
    at: datetime
    status_code: int  # 0: no HTTP answer
    error: str = ""


@dataclass
class Delivery:
    """One event for one endpoint; its id is the webhook-id header, the same on every attempt."""

    id: str
    endpoint_id: str
    event_type: str
    body: bytes
    created_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    # a delivery to a target of its own (a single-document extraction's webhook), not to an endpoint
    url: str = ""
    secret: str = ""


def next_wait(attempts: int, schedule: tuple[float, ...], retry_after: float | None) -> float | None:
    """Seconds before the next attempt after `attempts` failed ones, or None when the schedule is done. A
    Retry-After from the endpoint is honoured when it asks for longer."""
    if attempts > len(schedule):
        return None
    wait = schedule[attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER_S))
    return wait


def parse_retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
