"""Session fixtures: one real nats-server and one SecantusDB for the integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import Proc, start_nats, start_secantus


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory, log_dir: Path) -> Iterator[str]:
    proc, url = start_nats(tmp_path_factory.mktemp("nats"), log_dir)
    yield url
    proc.stop()


@pytest.fixture(scope="session")
def secantus_uri(log_dir: Path) -> Iterator[str]:
    proc: Proc
    proc, uri = start_secantus(log_dir)
    yield uri
    proc.stop()


@pytest.fixture
def unique_db() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"
