"""Settings shared by every service; each service extends CommonSettings with its own fields."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CommonSettings(BaseSettings):
    """Environment variables read by every service (prefix OCRBATCH_ unless named otherwise)."""

    model_config = SettingsConfigDict(env_prefix="OCRBATCH_", extra="ignore")

    nats_url: str = Field("nats://127.0.0.1:4222", validation_alias="NATS_URL")
    log_level: str = "INFO"
    # none | console | otlp | file:<path> (JSON lines, used by the tests to follow one trace across processes)
    otel_exporter: str = "none"
    otel_endpoint: str = "http://127.0.0.1:4317"
    # JetStream job settings; the batch service creates the consumer with them.
    job_ack_wait_s: float = 60.0
    job_max_deliver: int = 3
    grace_period_s: float = 10.0
    # Prometheus metrics of the batch, export and worker services (the gateway serves /metrics); 0: off.
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
