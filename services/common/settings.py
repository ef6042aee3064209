"""Settings shared by every service; each service extends CommonSettings with its own fields."""

from __future__ import annotations

import sys
from typing import TypeVar

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)


class InvalidSettings(Exception):
    """A setting's value is wrong; the message names each variable and what is wrong with it."""


def from_environment(cls: type[S]) -> S:
    """A service's settings read from the environment; a wrong value is reported by its variable's name
    ("OCRBATCH_OCR_MODEL: Input should be 'small' or 'tiny'"), not as a traceback."""
    try:
        return cls()
    except ValidationError as exc:
        problems = [f"{_variable(cls, error['loc'])}: {error['msg']}" for error in exc.errors()]
        raise InvalidSettings("; ".join(problems)) from None


def _variable(cls: type[BaseSettings], loc: tuple[int | str, ...]) -> str:
    name = str(loc[0]) if loc else "?"
    field = cls.model_fields.get(name)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return f"{cls.model_config.get('env_prefix', '')}{name}".upper()


def settings_or_exit(cls: type[S]) -> S:
    """For a service's main(): its settings, or exit status 2 with the problem on stderr."""
    try:
        return from_environment(cls)
    except InvalidSettings as exc:
        print(f"invalid configuration: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


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
