"""Child processes of the local stack and of the tests: NATS, SecantusDB and the ocrbatch services, each
started the one way, each waited for until it answers, each stopped with SIGTERM (then SIGKILL)."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

NATS_MAX_PAYLOAD = 8 * 1024 * 1024


class StackError(RuntimeError):
    """A process could not start; the message says which one and where its log is."""


_GIVEN_PORTS: set[int] = set()  # ports free_port handed out: the OS may offer a just-closed one again


def free_port() -> int:
    """A loopback port nothing listens on, never one this process was given before: a service's metrics port and its
    gRPC port are asked for back to back, and each is bound only later, by the child (the OS once offered both the
    same port, and the second service could not start)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port: int = s.getsockname()[1]
        if port not in _GIVEN_PORTS:
            _GIVEN_PORTS.add(port)
            return port


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
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def _die_with_parent() -> None:
    """Child processes get SIGTERM if their parent dies, so nothing is left running."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setsid()  # Ctrl-C reaches the parent only; it stops the children in order


def venv_binary(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    raise StackError(f"{name} not found next to {sys.executable}: install the local extra (make up does)")


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path | None  # None: it writes to this terminal
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def respawn(self) -> Child:
        """The same command again, with the same environment (ports included) and log file."""
        return spawn(self.name, self.args, self.env, self.log_path.parent if self.log_path else None)

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would end it; waits until it is gone."""
        self.process.kill()
        self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def wait_until(
        self, ready: Callable[[], bool], what: str, timeout: float, interrupted: threading.Event | None = None
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if interrupted is not None and interrupted.is_set():
                raise StackError("interrupted while starting")
            if self.process.poll() is not None:
                where = f"; see {self.log_path}:\n{self.log()[-4000:]}" if self.log_path else ""
                raise StackError(f"{self.name} exited with code {self.process.returncode} before {what}{where}")
            if ready():
                return
            time.sleep(0.1)
        where = f":\n{self.log()[-4000:]}" if self.log_path else ""
        raise StackError(f"{self.name} did not become ready ({what}) within {timeout:.0f}s{where}")

    def stop(self, sig: int = signal.SIGTERM, grace_s: float = 20.0) -> int:
        """Sends `sig` and waits up to grace_s, then kills; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path | None) -> Child:
    """Starts args with env added to this process's environment, output to log_dir/name.log (or here)."""
    log_path: Path | None = None
    out: IO[bytes] | None = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{name}.log"
        out = log_path.open("ab")
    try:
        process = subprocess.Popen(
            args,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            stdin=subprocess.DEVNULL,
            # the parent-death signal follows the thread that forks: only tie children to the main thread
            preexec_fn=_die_with_parent if threading.current_thread() is threading.main_thread() else os.setsid,
        )
    finally:
        if out is not None:
            out.close()
    return Child(name, process, log_path, args, env)


def start_nats(
    home: Path, log_dir: Path | None, timeout: float = 60.0, monitoring_port: int | None = None
) -> tuple[Child, str]:
    """nats-server with JetStream storing under home (and its monitoring endpoint where a port is given);
    its URL."""
    port = free_port()
    store = home / "nats"
    store.mkdir(parents=True, exist_ok=True)
    conf = home / "nats.conf"
    monitoring = f'http: "127.0.0.1:{monitoring_port}"\n' if monitoring_port else ""
    conf.write_text(
        f'listen: "127.0.0.1:{port}"\n{monitoring}max_payload: {NATS_MAX_PAYLOAD}\n'
        f'jetstream {{ store_dir: "{store}" }}\n'
    )
    child = spawn("nats", [venv_binary("nats-server"), "-c", str(conf)], {}, log_dir)
    child.wait_until(lambda: port_open(port), f"listening on {port}", timeout)
    return child, f"nats://127.0.0.1:{port}"


def start_secantus(storage: Path | None, log_dir: Path | None, timeout: float = 60.0) -> tuple[Child, str]:
    """SecantusDB (a MongoDB-compatible server) storing under storage, or in memory; its URI."""
    port = free_port()
    if storage is not None:
        storage.mkdir(parents=True, exist_ok=True)
    args = [venv_binary("secantusd-py"), "--host", "127.0.0.1", "--port", str(port)]
    args += ["--storage-path", str(storage) if storage is not None else ":memory:", "--log-level", "WARNING"]
    child = spawn("secantusdb", args, {}, log_dir)
    child.wait_until(lambda: port_open(port), f"listening on {port}", timeout)
    return child, f"mongodb://127.0.0.1:{port}/?directConnection=true"


def start_grpc_service(
    name: str,
    module: str,
    port_variable: str,
    env: dict[str, str],
    log_dir: Path | None,
    timeout: float = 90.0,
    interrupted: threading.Event | None = None,
) -> tuple[Child, str]:
    """An ocrbatch service (`python -m module`) on a free port named by port_variable, waited for until its
    gRPC health check says SERVING; its target."""
    port = free_port()
    child = spawn(name, [sys.executable, "-m", module], {**env, port_variable: str(port)}, log_dir)
    target = f"127.0.0.1:{port}"
    try:
        child.wait_until(lambda: grpc_serving(target), "gRPC health SERVING", timeout, interrupted)
    except BaseException:
        child.stop(grace_s=5)  # a service that did not start is not left running
        raise
    return child, target
