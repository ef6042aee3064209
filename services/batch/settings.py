"""Batch service settings, read once from the environment in main()."""

from __future__ import annotations

from pydantic import Field

from services.common.settings import CommonSettings


class BatchSettings(CommonSettings):
    mongodb_uri: str = Field("mongodb://127.0.0.1:27017/?directConnection=true", validation_alias="MONGODB_URI")
    mongodb_db: str = "ocrbatch"
    batch_host: str = "127.0.0.1"
    batch_port: int = 50051
    max_files_per_batch: int = 50
    # How long an Idempotency-Key stays held by a request that stopped renewing it (its gateway died, or could
    # not give the key back): a retry under the key gets 409 until then (services/batch/domain/idempotency.py).
    idempotency_lease_s: float = 60.0
    max_file_mb: float = 25.0
    # Local mode: create an organization, project and API key once and write them to this file.
    bootstrap_key_file: str = ""
    # How often records that never reached the queue (NATS was down) are published again.
    requeue_interval_s: float = 15.0
    # How often, and after how long, what an upload interrupted by a crash left behind is settled.
    orphan_sweep_interval_s: float = 600.0
    orphan_grace_s: float = 3600.0
    # Webhook targets allowed beyond public addresses: a comma-separated list of loopback, private, link-local.
    webhook_allow: str = ""
    # How long fetching a document by its URL (single-document extractions) may take, all of it: a slow or
    # stalled server fails the extraction after this. A minute carries the largest document (max_file_mb,
    # 25 MB) at 0.5 MB/s.
    url_fetch_timeout_s: float = 60.0
    # Waits before each retry of a failed webhook delivery, in seconds (jittered by ±10 %).
    webhook_retry_schedule_s: str = "5,300,1800,7200,18000,36000,36000"

    def webhook_schedule(self) -> tuple[float, ...]:
        return tuple(float(part) for part in self.webhook_retry_schedule_s.split(",") if part.strip())

    def webhook_allowed(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.webhook_allow.split(",") if part.strip())
