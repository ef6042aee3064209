"""Starts and stops the local stack in order: NATS, SecantusDB, batch, export, workers, gateway."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from services.local.processes import (
    Child,
    StackError,
    free_port,
    grpc_serving,
    port_open,
    spawn,
    start_grpc_service,
    start_nats,
    start_secantus,
)

log = logging.getLogger("ocrbatch.local")
__all__ = ["LocalStack", "StackConfig", "StackError", "free_port", "local_stack_pointer"]


def local_stack_pointer() -> Path:
    """Where the last started local stack's home is noted, for the CLI run from any directory."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "ocrbatch" / "local-stack.json"


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
        self.metrics: dict[str, str] = {}  # service → its Prometheus endpoint
        self.interrupted = threading.Event()  # set by Ctrl-C, also while starting

    # --- starting ------------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        child = spawn(name, args, {**self.env, **(env or {})}, self.config.log_dir)
        self.children.append(child)
        return child

    def _wait(self, child: Child, ready, what: str) -> None:  # noqa: ANN001 (callable returning bool)
        child.wait_until(ready, what, self.config.start_timeout_s, self.interrupted)

    def _metrics_port(self, name: str) -> dict[str, str]:
        """A metrics port for a service (Prometheus text at /metrics), noted for the banner."""
        port = free_port()
        self.metrics[name] = f"http://127.0.0.1:{port}/metrics"
        return {"OCRBATCH_METRICS_PORT": str(port)}

    def _service(self, name: str, module: str, port_variable: str, env: dict[str, str]) -> str:
        env = {**env, **self._metrics_port(name)}
        child, target = start_grpc_service(
            name, module, port_variable, {**self.env, **env}, self.config.log_dir,
            self.config.start_timeout_s, self.interrupted,
        )  # fmt: skip
        self.children.append(child)
        return target

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
            key_file = cfg.home / "local-api-key.json"
            self.env = {**cfg.extra_env, "NATS_URL": nats_url, "MONGODB_URI": mongodb_uri, "PYTHONUNBUFFERED": "1"}
            batch_target = self._service(
                "batch", "services.batch", "OCRBATCH_BATCH_PORT", {"OCRBATCH_BOOTSTRAP_KEY_FILE": str(key_file)}
            )
            self.env["OCRBATCH_BATCH_TARGET"] = batch_target
            self.env["OCRBATCH_EXPORT_TARGET"] = self._service("export", "services.export", "OCRBATCH_EXPORT_PORT", {})
            workers = []
            for index in range(cfg.workers):
                port = free_port()
                child = self._spawn(
                    f"worker-{index + 1}",
                    [py, "-m", "services.worker"],
                    {
                        "OCRBATCH_WORKER_HEALTH_PORT": str(port),
                        "OCRBATCH_WORKER_ID": f"local-worker-{index + 1}",
                        **self._metrics_port(f"worker-{index + 1}"),
                    },
                )
                workers.append((child, port))
            for child, port in workers:  # they warm up their OCR engines in parallel
                self._wait(child, lambda p=port: grpc_serving(f"127.0.0.1:{p}"), "OCR health check")
            url = f"http://127.0.0.1:{cfg.http_port}"
            gateway_env = {"OCRBATCH_HTTP_PORT": str(cfg.http_port), "OCRBATCH_SIGNING_KEY": self._signing_key()}
            gateway = self._spawn("gateway", [py, "-m", "services.gateway"], gateway_env)
            self._wait(gateway, lambda: self._http_ready(url + "/readyz"), "/readyz")
        except BaseException:
            self.stop()
            raise
        tenant = json.loads(key_file.read_text())
        self.info = {
            "url": url,
            "docsUrl": url + "/docs",
            "apiKey": tenant["apiKey"],
            "organizationId": tenant["organizationId"],
            "projectId": tenant["projectId"],
            "batchTarget": self.env["OCRBATCH_BATCH_TARGET"],
            "natsUrl": nats_url,
            "mongodbUri": mongodb_uri,
            "workers": cfg.workers,
            "metrics": {"gateway": url + "/metrics", **self.metrics},
        }
        state = cfg.home / "stack.json"
        state.write_text(json.dumps(self.info, indent=2))
        state.chmod(0o600)
        try:  # so that `ocrbatch submit …` finds the running stack from any directory
            pointer = local_stack_pointer()
            pointer.parent.mkdir(parents=True, exist_ok=True)
            pointer.write_text(json.dumps({"home": str(cfg.home)}))
        except OSError as exc:
            log.warning("could not write %s: %s", local_stack_pointer(), exc)
        return self.info

    def _signing_key(self) -> str:
        """The gateway's signing key, made once and kept in the home (mode 0600) so links survive restarts."""
        path = self.config.home / "signing.key"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return path.read_text().strip()

    def _start_nats(self) -> str:
        child, url = start_nats(self.config.home, self.config.log_dir, self.config.start_timeout_s)
        self.children.append(child)
        return url

    def _start_secantus(self) -> str:
        child, uri = start_secantus(self.config.home / "mongo", self.config.log_dir, self.config.start_timeout_s)
        self.children.append(child)
        return uri

    # --- running and stopping ------------------------------------------------------------------
    def exited(self) -> Child | None:
        return next((c for c in self.children if c.process.poll() is not None), None)

    def stop(self, grace_s: float = 20.0) -> None:
        """SIGTERM in reverse start order (gateway first, databases last), each given time to finish."""
        for child in reversed(self.children):
            if child.stop(signal.SIGTERM, grace_s) == -signal.SIGKILL:
                log.warning("%s did not stop within %.0fs and was killed", child.name, grace_s)
        self.children.clear()
