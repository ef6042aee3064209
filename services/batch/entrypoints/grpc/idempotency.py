"""IdempotencyService: the gateway's Idempotency-Key header, kept per organization (services/batch/service/
idempotency.py)."""

from __future__ import annotations

from typing import Any

from ocrbatch.v1 import idempotency_pb2, idempotency_pb2_grpc
from services.batch.domain.idempotency import RENEWALS_PER_LEASE, KeyOutcome, StoredAnswer
from services.batch.entrypoints.grpc.errors import mapped_errors
from services.batch.service.idempotency import KeyClaims

_OUTCOMES = {
    KeyOutcome.CLAIMED: idempotency_pb2.KEY_OUTCOME_CLAIMED,
    KeyOutcome.REPLAY: idempotency_pb2.KEY_OUTCOME_REPLAY,
    KeyOutcome.IN_PROGRESS: idempotency_pb2.KEY_OUTCOME_IN_PROGRESS,
    KeyOutcome.MISMATCH: idempotency_pb2.KEY_OUTCOME_MISMATCH,
}


class IdempotencyServicer(idempotency_pb2_grpc.IdempotencyServiceServicer):
    def __init__(self, claims: KeyClaims) -> None:
        self._claims = claims

    @mapped_errors
    async def ClaimKey(
        self, request: idempotency_pb2.ClaimKeyRequest, context: Any
    ) -> idempotency_pb2.ClaimKeyResponse:
        claim = await self._claims.claim(request.organization_id, request.key, request.fingerprint)
        reply = idempotency_pb2.ClaimKeyResponse(
            outcome=_OUTCOMES[claim.outcome],
            claim=claim.claim,
            renew_every_s=self._claims.lease.total_seconds() / RENEWALS_PER_LEASE,
        )
        if claim.answer is not None:
            a = claim.answer
            reply.response.CopyFrom(
                idempotency_pb2.StoredResponse(status_code=a.status_code, content_type=a.content_type, body=a.body)
            )
        return reply

    @mapped_errors
    async def FinishKey(self, request: idempotency_pb2.FinishKeyRequest, context: Any) -> idempotency_pb2.KeyReply:
        r = request.response
        answer = StoredAnswer(r.status_code, r.content_type, r.body)
        applied = await self._claims.finish(request.organization_id, request.key, request.claim, answer)
        return idempotency_pb2.KeyReply(applied=applied)

    @mapped_errors
    async def ReleaseKey(self, request: idempotency_pb2.ReleaseKeyRequest, context: Any) -> idempotency_pb2.KeyReply:
        applied = await self._claims.release(request.organization_id, request.key, request.claim)
        return idempotency_pb2.KeyReply(applied=applied)

    @mapped_errors
    async def RenewKey(self, request: idempotency_pb2.ReleaseKeyRequest, context: Any) -> idempotency_pb2.KeyReply:
        applied = await self._claims.renew(request.organization_id, request.key, request.claim)
        return idempotency_pb2.KeyReply(applied=applied)
