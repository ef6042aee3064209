"""Real servers for tests, started as the local stack starts them (services/local/processes.py): nats-server
with JetStream, SecantusDB, and ocrbatch services as child processes whose logs failures print."""

from __future__ import annotations

from pathlib import Path

from services.local.processes import Child, start_grpc_service
from services.local.processes import start_nats as _start_nats
from services.local.processes import start_secantus as _start_secantus

Proc = Child


def start_nats(store: Path, log_dir: Path) -> tuple[Child, str]:
    return _start_nats(store, log_dir)


def start_secantus(log_dir: Path) -> tuple[Child, str]:
    return _start_secantus(None, log_dir)


def start_batch_service(log_dir: Path, nats_url: str, mongodb_uri: str, **env: str) -> tuple[Child, str]:
    return start_grpc_service(
        "batch",
        "services.batch",
        "OCRBATCH_BATCH_PORT",
        {"NATS_URL": nats_url, "MONGODB_URI": mongodb_uri, **env},
        log_dir,
    )


def start_export_service(log_dir: Path, batch_target: str, **env: str) -> tuple[Child, str]:
    return start_grpc_service(
        "export", "services.export", "OCRBATCH_EXPORT_PORT", {"OCRBATCH_BATCH_TARGET": batch_target, **env}, log_dir
    )


def start_worker(log_dir: Path, nats_url: str, batch_target: str, name: str = "worker", **env: str) -> Child:
    worker, _ = start_grpc_service(
        name,
        "services.worker",
        "OCRBATCH_WORKER_HEALTH_PORT",
        {"NATS_URL": nats_url, "OCRBATCH_BATCH_TARGET": batch_target, "OCRBATCH_WORKER_ID": name, **env},
        log_dir,
        timeout=120,
    )
    return worker
