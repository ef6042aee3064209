"""Starts and stops the local stack in order: NATS, SecantusDB, batch, export, workers, gateway."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

log = logging.getLogger("ocrbatch.local")
NATS_MAX_PAYLOAD = 8 * 1024 * 1024


class StackError(RuntimeError):
    """The stack could not start; the message says which part and where its log is."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    """Something listens on this loopback port."""
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def grpc_serving(target: str) -> bool:
    """The gRPC health service at target answers SERVING."""
    with grpc.insecure_channel(target) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.RpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def _die_with_parent() -> None:
    """Child processes get SIGTERM if the runner dies, so nothing is left running."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setsid()  # Ctrl-C reaches the runner only; it stops the children in order


def _venv_binary(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    raise StackError(f"{name} not found next to {sys.executable}: install the local extra (make up does)")


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path | None


@dataclass
class StackConfig:
    home: Path
    http_port: int = 8080
    workers: int = 1
    log_dir: Path | None = None  # None: children write to this terminal
    nats_url: str | None = None
    mongodb_uri: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    start_timeout_s: float = 180.0


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.children: list[Child] = []
        self.env: dict[str, str] = {}
        self.info: dict[str, object] = {}
        self.interrupted = threading.Event()  # set by Ctrl-C, also while starting

    # --- starting ------------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        log_path: Path | None = None
        out: int | IO[bytes] | None = None
        if self.config.log_dir is not None:
            self.config.log_dir.mkdir(parents=True, exist_ok=True)
            log_path = self.config.log_dir / f"{name}.log"
            out = log_path.open("ab")
        process = subprocess.Popen(
            args,
            env={**os.environ, **self.env, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        if out is not None and not isinstance(out, int):
            out.close()
        child = Child(name, process, log_path)
        self.children.append(child)
        return child

    def _wait(self, child: Child, ready, what: str) -> None:  # noqa: ANN001 (callable returning bool)
        deadline = time.monotonic() + self.config.start_timeout_s
        while time.monotonic() < deadline:
            if self.interrupted.is_set():
                raise StackError("interrupted while starting")
            dead = self.exited()
            if dead is not None:
                where = f"; see {dead.log_path}" if dead.log_path else ""
                raise StackError(f"{dead.name} exited with code {dead.process.returncode} while starting{where}")
            if ready():
                return
            time.sleep(0.2)
        raise StackError(f"{child.name} did not become ready ({what}) within {self.config.start_timeout_s:.0f}s")

    @staticmethod
    def _http_ready(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                return reply.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def start(self) -> dict[str, object]:
        cfg = self.config
        cfg.home.mkdir(parents=True, exist_ok=True)
        if port_open(cfg.http_port):
            raise StackError(f"port {cfg.http_port} is in use: set OCRBATCH_HTTP_PORT to a free port")
        py = sys.executable
        try:
            nats_url = cfg.nats_url or self._start_nats()
            mongodb_uri = cfg.mongodb_uri or self._start_secantus()
            batch_port, export_port = free_port(), free_port()
            key_file = cfg.home / "local-api-key.json"
            self.env = {
                **cfg.extra_env,
                "NATS_URL": nats_url,
                "MONGODB_URI": mongodb_uri,
                "OCRBATCH_BATCH_TARGET": f"127.0.0.1:{batch_port}",
                "OCRBATCH_EXPORT_TARGET": f"127.0.0.1:{export_port}",
                "PYTHONUNBUFFERED": "1",
            }
            batch = self._spawn(
                "batch",
                [py, "-m", "services.batch"],
                {"OCRBATCH_BATCH_PORT": str(batch_port), "OCRBATCH_BOOTSTRAP_KEY_FILE": str(key_file)},
            )
            self._wait(batch, lambda: grpc_serving(f"127.0.0.1:{batch_port}"), "gRPC health")
            export = self._spawn("export", [py, "-m", "services.export"], {"OCRBATCH_EXPORT_PORT": str(export_port)})
            self._wait(export, lambda: grpc_serving(f"127.0.0.1:{export_port}"), "gRPC health")
            workers = []
            for index in range(cfg.workers):
                port = free_port()
                child = self._spawn(
                    f"worker-{index + 1}",
                    [py, "-m", "services.worker"],
                    {"OCRBATCH_WORKER_HEALTH_PORT": str(port), "OCRBATCH_WORKER_ID": f"local-worker-{index + 1}"},
                )
                workers.append((child, port))
            for child, port in workers:  # they warm up their OCR engines in parallel
                self._wait(child, lambda p=port: grpc_serving(f"127.0.0.1:{p}"), "OCR health check")
            url = f"http://127.0.0.1:{cfg.http_port}"
            gateway = self._spawn("gateway", [py, "-m", "services.gateway"], {"OCRBATCH_HTTP_PORT": str(cfg.http_port)})
            self._wait(gateway, lambda: self._http_ready(url + "/readyz"), "/readyz")
        except BaseException:
            self.stop()
            raise
        tenant = json.loads(key_file.read_text())
        self.info = {
            "url": url,
            "apiKey": tenant["apiKey"],
            "organizationId": tenant["organizationId"],
            "projectId": tenant["projectId"],
            "batchTarget": self.env["OCRBATCH_BATCH_TARGET"],
            "natsUrl": nats_url,
            "mongodbUri": mongodb_uri,
            "workers": cfg.workers,
        }
        state = cfg.home / "stack.json"
        state.write_text(json.dumps(self.info, indent=2))
        state.chmod(0o600)
        return self.info

    def _start_nats(self) -> str:
        port = free_port()
        store = self.config.home / "nats"
        store.mkdir(parents=True, exist_ok=True)
        conf = self.config.home / "nats.conf"
        conf.write_text(
            f'listen: "127.0.0.1:{port}"\nmax_payload: {NATS_MAX_PAYLOAD}\njetstream {{ store_dir: "{store}" }}\n'
        )
        child = self._spawn("nats", [_venv_binary("nats-server"), "-c", str(conf)])
        self._wait(child, lambda: port_open(port), f"port {port}")
        return f"nats://127.0.0.1:{port}"

    def _start_secantus(self) -> str:
        port = free_port()
        data = self.config.home / "mongo"
        data.mkdir(parents=True, exist_ok=True)
        child = self._spawn(
            "secantusdb",
            [
                _venv_binary("secantusd-py"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--storage-path",
                str(data),
                "--log-level",
                "WARNING",
            ],
        )
        self._wait(child, lambda: port_open(port), f"port {port}")
        return f"mongodb://127.0.0.1:{port}/?directConnection=true"

    # --- running and stopping ------------------------------------------------------------------
    def exited(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM in reverse start order (gateway first, databases last), each given time to finish."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                try:
                    child.process.wait(timeout=grace_s)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop within %.0fs, killing it", child.name, grace_s)
                    child.process.kill()
                    child.process.wait()
        self.children.clear()
