"""The whole stack started the way `make up` starts it (python -m services.local up), once per session."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from services.local.processes import free_port, port_open


@dataclass
class RunningStack:
    url: str
    api_key: str
    project_id: str
    organization_id: str
    home: Path
    spans_file: Path
    info: dict

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": self.api_key}, timeout=120)

    def admin(self, *args: str) -> dict:
        """Runs `ocrbatch admin --json …` against this stack, as an operator would."""
        done = subprocess.run(
            [sys.executable, "-m", "services.cli.main", "admin", "--json", *args],
            env={**os.environ, "OCRBATCH_HOME": str(self.home)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise AssertionError(f"ocrbatch admin {' '.join(args)} failed: {done.stderr}")
        return json.loads(done.stdout)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in (self.home / "logs").glob("*.log")
        )


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    home = tmp_path_factory.mktemp("ocrbatch-home")
    spans = home / "spans.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "MONGODB_URI")}
    env |= {
        "OCRBATCH_HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),  # where `make up` notes its home for the CLI: not the real one
        "OCRBATCH_LOG_DIR": str(home / "logs"),
        "OCRBATCH_HTTP_PORT": str(free_port()),
        "OCRBATCH_WORKERS": "2",
        "OCRBATCH_OTEL_EXPORTER": f"file:{spans}",
        # webhooks: the tests' receivers listen on loopback, and their retries come within seconds
        "OCRBATCH_WEBHOOK_ALLOW": "loopback",
        "OCRBATCH_WEBHOOK_RETRY_SCHEDULE_S": "0.5,1,1",
        "PYTHONUNBUFFERED": "1",
    }
    runner = subprocess.Popen(
        [sys.executable, "-m", "services.local", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    state = home / "stack.json"
    deadline = time.monotonic() + 240
    while not state.exists():
        if runner.poll() is not None or time.monotonic() > deadline:
            runner.kill()
            pytest.fail(f"the stack did not start:\n{runner.stdout.read() if runner.stdout else ''}")
        time.sleep(0.5)
    info = json.loads(state.read_text())
    stack = RunningStack(
        url=info["url"],
        api_key=info["apiKey"],
        project_id=info["projectId"],
        organization_id=info["organizationId"],
        home=home,
        spans_file=spans,
        info=info,
    )
    yield stack

    # Ctrl-C: the runner stops every child in order and exits 0, leaving no port open.
    runner.send_signal(signal.SIGINT)
    try:
        output, _ = runner.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        runner.kill()
        pytest.fail("the stack did not stop within 120s of Ctrl-C")
    assert runner.returncode == 0, output
    assert "stopped." in output
    for url in (info["url"], info["natsUrl"], info["mongodbUri"]):
        assert not port_open(urlparse(url).port), f"{url} still answers after Ctrl-C"
    assert "did not stop" not in output, output
