"""The workers' scaling signal without a cluster: a real nats-server with its monitoring port, jobs queued
per priority, /jsz read the way KEDA's nats-jetstream scaler reads it, and the replica count the rendered
ScaledObject would ask for."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import httpx
import nats
import pytest
import yaml

from services.common.jetstream import JOBS_STREAM, ensure_topology, job_subject, workers_consumer
from services.local.processes import free_port, start_nats

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
QUEUED = {"high": 7, "medium": 23, "low": 41}


def scaled_object() -> dict:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl (with kustomize) is not installed")
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / "production")], capture_output=True, text=True
    )
    assert rendered.returncode == 0, rendered.stderr
    return next(d for d in yaml.safe_load_all(rendered.stdout) if d and d["kind"] == "ScaledObject")


def lag_from_jsz(monitoring: str, account: str, stream: str, consumer: str) -> int:
    """What the scaler computes for one trigger: num_pending + num_ack_pending of the consumer."""
    jsz = httpx.get(f"{monitoring}/jsz", params={"acc": account, "consumers": "true", "config": "true"}).json()
    for details in jsz["account_details"]:
        if details["name"] != account:
            continue
        for s in details.get("stream_detail", []):
            if s["name"] != stream:
                continue
            for c in s.get("consumer_detail", []):
                if c["name"] == consumer:
                    return int(c["num_pending"]) + int(c["num_ack_pending"])
    raise AssertionError(f"{stream}/{consumer} not in /jsz")


async def test_queued_jobs_per_priority_ask_for_the_workers_the_scaledobject_says(tmp_path):
    spec = scaled_object()["spec"]
    monitoring_port = free_port()
    server, url = start_nats(tmp_path / "nats", tmp_path, monitoring_port=monitoring_port)
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await ensure_topology(js, ack_wait_s=60, max_deliver=3)
        for priority, count in QUEUED.items():
            for n in range(count):
                await js.publish(job_subject(priority), b"job", headers={"Nats-Msg-Id": f"{priority}-{n}"})
        taken = await (await js.pull_subscribe_bind(workers_consumer("low"), stream=JOBS_STREAM)).fetch(2, timeout=5)
        assert len(taken) == 2  # in a worker's hands, not acked: still lag

        lags = {}
        for trigger in spec["triggers"]:
            meta = trigger["metadata"]
            lags[meta["consumer"]] = lag_from_jsz(
                f"http://127.0.0.1:{monitoring_port}", meta["account"], meta["stream"], meta["consumer"]
            )
        assert lags == {workers_consumer(p): n for p, n in QUEUED.items()}
        wanted = max(
            math.ceil(lag / float(t["metadata"]["lagThreshold"]))
            for lag, t in zip(lags.values(), spec["triggers"], strict=True)
        )
        replicas = min(max(wanted, spec["minReplicaCount"]), spec["maxReplicaCount"])
        assert replicas == 3  # 41 low-priority jobs at 20 a worker
    finally:
        await nc.close()
        server.stop()
