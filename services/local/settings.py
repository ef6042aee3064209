"""Settings of the local stack runner (`make up`), read once from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LocalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OCRBATCH_", extra="ignore")

    home: Path = Path(".ocrbatch")
    http_port: int = Field(8080, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    log_dir: Path | None = None  # unset: the children write to this terminal
    nats_url: str | None = Field(None, validation_alias="NATS_URL")
    mongodb_uri: str | None = Field(None, validation_alias="MONGODB_URI")
