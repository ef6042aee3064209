"""Real servers for tests: nats-server with JetStream, SecantusDB, and ocrbatch services as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from services.local.stack import free_port, grpc_serving, port_open

BIN = Path(sys.executable).parent


class Proc:
    """A child process whose output goes to a log file that failures print."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                args,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until(self, ready: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited ({self.process.returncode}) before {what}:\n{self.log()[-4000:]}"
                )
            if ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready ({what}) after {timeout}s:\n{self.log()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_nats(store: Path, log_dir: Path) -> tuple[Proc, str]:
    port = free_port()
    conf = store / "nats.conf"
    store.mkdir(parents=True, exist_ok=True)
    conf.write_text(f'listen: "127.0.0.1:{port}"\nmax_payload: 8388608\njetstream {{ store_dir: "{store}" }}\n')
    proc = Proc("nats", [str(BIN / "nats-server"), "-c", str(conf)], log_dir)
    proc.wait_until(lambda: port_open(port), "listening")
    return proc, f"nats://127.0.0.1:{port}"


def start_secantus(log_dir: Path) -> tuple[Proc, str]:
    port = free_port()
    proc = Proc(
        "secantusdb",
        [str(BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(port), "--storage-path", ":memory:"],
        log_dir,
    )
    proc.wait_until(lambda: port_open(port), "listening")
    return proc, f"mongodb://127.0.0.1:{port}/?directConnection=true"


def start_batch_service(log_dir: Path, nats_url: str, mongodb_uri: str, **env: str) -> tuple[Proc, str]:
    port = free_port()
    proc = Proc(
        "batch",
        [sys.executable, "-m", "services.batch"],
        log_dir,
        {"NATS_URL": nats_url, "MONGODB_URI": mongodb_uri, "OCRBATCH_BATCH_PORT": str(port), **env},
    )
    target = f"127.0.0.1:{port}"
    proc.wait_until(lambda: grpc_serving(target), "gRPC SERVING")
    return proc, target


def start_export_service(log_dir: Path, batch_target: str, **env: str) -> tuple[Proc, str]:
    port = free_port()
    proc = Proc(
        "export",
        [sys.executable, "-m", "services.export"],
        log_dir,
        {"OCRBATCH_BATCH_TARGET": batch_target, "OCRBATCH_EXPORT_PORT": str(port), **env},
    )
    target = f"127.0.0.1:{port}"
    proc.wait_until(lambda: grpc_serving(target), "gRPC SERVING")
    return proc, target


def start_worker(log_dir: Path, nats_url: str, batch_target: str, name: str = "worker", **env: str) -> Proc:
    port = free_port()
    proc = Proc(
        name,
        [sys.executable, "-m", "services.worker"],
        log_dir,
        {
            "NATS_URL": nats_url,
            "OCRBATCH_BATCH_TARGET": batch_target,
            "OCRBATCH_WORKER_HEALTH_PORT": str(port),
            "OCRBATCH_WORKER_ID": name,
            **env,
        },
    )
    proc.wait_until(lambda: grpc_serving(f"127.0.0.1:{port}"), "OCR health check", timeout=120)
    return proc
