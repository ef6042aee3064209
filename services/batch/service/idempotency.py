"""Use case: claiming an idempotency key for a create request, keeping its answer, giving it back."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.batch.domain.idempotency import KEY_TTL, LEASE, KeyOutcome, KeyUse, StoredAnswer, decide
from services.batch.ports import IdempotencyKeys

CLAIM_TRIES = 5  # another request racing for the same key makes a try start again


@dataclass(frozen=True)
class Claim:
    outcome: KeyOutcome
    claim: str = ""
    answer: StoredAnswer | None = None


class KeyClaims:
    def __init__(self, keys: IdempotencyKeys, lease: timedelta = LEASE) -> None:
        self._keys = keys
        self.lease = lease

    async def claim(self, organization_id: str, key: str, fingerprint: str) -> Claim:
        for _ in range(CLAIM_TRIES):
            now = datetime.now(UTC)
            use = await self._keys.get(organization_id, key)
            outcome = decide(use, fingerprint, now)
            if outcome is KeyOutcome.REPLAY:
                assert use is not None
                return Claim(outcome, answer=use.answer)
            if outcome is not KeyOutcome.CLAIMED:
                return Claim(outcome)
            token = secrets.token_urlsafe(16)
            mine = KeyUse(organization_id, key, fingerprint, token, now + self.lease, now + KEY_TTL)
            if await self._keys.replace(use, mine):  # only if nobody else changed the key meanwhile
                return Claim(outcome, claim=token)
        return Claim(KeyOutcome.IN_PROGRESS)

    async def finish(self, organization_id: str, key: str, claim: str, answer: StoredAnswer) -> bool:
        return await self._keys.finish(organization_id, key, claim, answer, datetime.now(UTC) + KEY_TTL)

    async def release(self, organization_id: str, key: str, claim: str) -> bool:
        return await self._keys.release(organization_id, key, claim)

    async def renew(self, organization_id: str, key: str, claim: str) -> bool:
        return await self._keys.renew(organization_id, key, claim, datetime.now(UTC) + self.lease)
