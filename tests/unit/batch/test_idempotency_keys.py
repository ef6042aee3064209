"""Idempotency keys as the batch service keeps them: claimed, replayed, refused for another request, held while
renewed, and taken over once a request stops renewing (its gateway died). The store is an in-memory stand-in for
the MongoDB adapter (FakeKeys); tests/e2e/test_idempotency.py runs the real one behind the gateway."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from services.batch.domain.idempotency import KeyOutcome, KeyUse, StoredAnswer
from services.batch.service.idempotency import KeyClaims

ORG = "o" * 24
ANSWER = StoredAnswer(201, "application/json", b'{"id": "b1"}')


class FakeKeys:
    """Stands in for MongoIdempotencyKeys: the same conditional writes on a dict."""

    def __init__(self) -> None:
        self.uses: dict[tuple[str, str], KeyUse] = {}

    async def get(self, organization_id: str, key: str) -> KeyUse | None:
        return copy.deepcopy(self.uses.get((organization_id, key)))

    async def replace(self, old: KeyUse | None, new: KeyUse) -> bool:
        now = self.uses.get((new.organization_id, new.key))
        if (now.claim if now else None) != (old.claim if old else None):
            return False
        self.uses[(new.organization_id, new.key)] = copy.deepcopy(new)
        return True

    def _held(self, organization_id: str, key: str, claim: str) -> KeyUse | None:
        use = self.uses.get((organization_id, key))
        return use if use is not None and use.claim == claim and use.answer is None else None

    async def finish(self, organization_id, key, claim, answer, expires_at: datetime) -> bool:
        use = self._held(organization_id, key, claim)
        if use is not None:
            use.answer, use.expires_at = answer, expires_at
        return use is not None

    async def release(self, organization_id, key, claim) -> bool:
        return self._held(organization_id, key, claim) is not None and bool(self.uses.pop((organization_id, key)))

    async def renew(self, organization_id, key, claim, lease_until: datetime) -> bool:
        use = self._held(organization_id, key, claim)
        if use is not None:
            use.lease_until = lease_until
        return use is not None


async def test_a_key_is_claimed_then_replayed_and_refused_for_another_request():
    claims = KeyClaims(FakeKeys())
    first = await claims.claim(ORG, "k1", "same")
    assert first.outcome is KeyOutcome.CLAIMED and first.claim
    assert (await claims.claim(ORG, "k1", "same")).outcome is KeyOutcome.IN_PROGRESS
    assert (await claims.claim(ORG, "k1", "other")).outcome is KeyOutcome.MISMATCH
    assert await claims.finish(ORG, "k1", first.claim, ANSWER)
    replay = await claims.claim(ORG, "k1", "same")
    assert (replay.outcome, replay.answer) == (KeyOutcome.REPLAY, ANSWER)
    assert (await claims.claim(ORG, "k1", "other")).outcome is KeyOutcome.MISMATCH
    assert (await claims.claim("p" * 24, "k1", "other")).outcome is KeyOutcome.CLAIMED  # another organization's


async def test_a_request_that_stops_renewing_loses_its_key_to_a_retry_and_its_late_answer_is_not_kept():
    keys = FakeKeys()
    lapsing = KeyClaims(keys, lease=timedelta(0))  # every hold lapses at once unless renewed
    first = await lapsing.claim(ORG, "k2", "same")
    retry = await lapsing.claim(ORG, "k2", "same")
    assert retry.outcome is KeyOutcome.CLAIMED and retry.claim != first.claim  # taken over
    assert not await lapsing.finish(ORG, "k2", first.claim, ANSWER)  # the first request's answer came too late
    assert not await lapsing.renew(ORG, "k2", first.claim)
    assert await lapsing.finish(ORG, "k2", retry.claim, ANSWER)


async def test_a_renewed_hold_keeps_the_key_and_a_released_one_frees_it():
    claims = KeyClaims(FakeKeys(), lease=timedelta(seconds=60))
    first = await claims.claim(ORG, "k3", "same")
    assert await claims.renew(ORG, "k3", first.claim)
    assert (await claims.claim(ORG, "k3", "same")).outcome is KeyOutcome.IN_PROGRESS
    assert await claims.release(ORG, "k3", first.claim)  # a server error: the key is free for the retry
    assert (await claims.claim(ORG, "k3", "same")).outcome is KeyOutcome.CLAIMED
