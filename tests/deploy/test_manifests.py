"""deploy/k8s renders and is valid: every overlay through `kubectl kustomize`, every standard object against
the Kubernetes schemas (kubernetes-validate, offline, strict), and what a platform team relies on:
non-root, read-only, no capabilities, probes, drain time, and KEDA triggers naming the stream and
consumers the code creates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from services.common.jetstream import JOBS_STREAM, workers_consumer
from services.common.priorities import PRIORITIES

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir())
KUBERNETES = "1.32.0"
CUSTOM_KINDS = {"ScaledObject", "ServiceMonitor"}  # KEDA's and the Prometheus Operator's: checked below

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (with kustomize) is not installed")


def render(overlay: str) -> list[dict]:
    done = subprocess.run(["kubectl", "kustomize", str(K8S / "overlays" / overlay)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_to_valid_kubernetes_objects(overlay):
    docs = render(overlay)
    assert {d["kind"] for d in docs} >= {
        "Deployment",
        "Service",
        "ServiceAccount",
        "PodDisruptionBudget",
        "NetworkPolicy",
    }
    for doc in docs:
        if doc["kind"] not in CUSTOM_KINDS:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_locked_down_with_probes_and_time_to_drain(overlay):
    workloads = [d for d in render(overlay) if d["kind"] in ("Deployment", "StatefulSet")]
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        name = workload["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False and security["capabilities"]["drop"] == ["ALL"], name
            assert name == "mongodb" or security["readOnlyRootFilesystem"] is True, name
            assert "requests" in container["resources"] and "limits" in container["resources"], name
            assert "readinessProbe" in container and ("livenessProbe" in container or name == "mongodb"), name
        if workload["kind"] == "Deployment":
            assert pod["terminationGracePeriodSeconds"] >= 30, name
    worker = next(w for w in workloads if w["metadata"]["name"] == "worker")["spec"]["template"]["spec"]
    assert worker["containers"][0]["startupProbe"]["grpc"]["port"] == 50060  # the OCR warm-up
    assert worker["terminationGracePeriodSeconds"] >= 120  # a worker finishes the file in hand


def test_keda_scales_the_workers_on_the_consumers_the_code_creates():
    docs = render("production")
    (scaled,) = [d for d in docs if d["kind"] == "ScaledObject"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == "worker"
    assert_scaled_on_the_job_consumers(scaled, docs)


def assert_scaled_on_the_job_consumers(scaled: dict, docs: list[dict]) -> None:
    triggers = scaled["spec"]["triggers"]
    assert {t["type"] for t in triggers} == {"nats-jetstream"}
    assert {t["metadata"]["stream"] for t in triggers} == {JOBS_STREAM}
    assert sorted(t["metadata"]["consumer"] for t in triggers) == sorted(workers_consumer(p) for p in PRIORITIES)
    nats = next(d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "nats")
    monitoring = next(p["port"] for p in nats["spec"]["ports"] if p["name"] == "monitoring")
    assert all(t["metadata"]["natsServerMonitoringEndpoint"] == f"nats:{monitoring}" for t in triggers)


def test_gpu_workers_take_one_gpu_each_read_on_it_and_scale_on_the_same_consumers():
    """overlays/production-gpu: the CPU workers and, from components/gpu-workers, GPU workers of the image's gpu
    target, each scaled by its own ScaledObject on the consumers the code creates."""
    docs = render("production-gpu")
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert {"worker", "worker-gpu"} <= set(deployments)
    pod = deployments["worker-gpu"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["OCRBATCH_OCR_ENGINE"] == "onnxruntime-gpu"
    assert int(env["OCRBATCH_WORKER_CONCURRENCY"]) > 1
    assert container["image"] == "registry.example.com/ocrbatch-gpu:0.1.0"
    assert deployments["worker"]["spec"]["template"]["spec"]["containers"][0]["image"].endswith("/ocrbatch:0.1.0")
    selectors = [d["spec"]["selector"]["matchLabels"] for d in deployments.values()]
    assert len({tuple(sorted(s.items())) for s in selectors}) == len(selectors)  # no two Deployments share pods
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d for d in docs if d["kind"] == "ScaledObject"}
    assert set(scaled) == {"worker", "worker-gpu"}
    for one in scaled.values():
        assert_scaled_on_the_job_consumers(one, docs)
    allowed = {  # the GPU workers reach the batch service and NATS through the default deny
        p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for p in docs
        if p["kind"] == "NetworkPolicy"
        and any(
            f.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name") == "worker-gpu"
            for rule in p["spec"].get("ingress", [])
            for f in rule.get("from", [])
        )
    }
    assert allowed == {"batch", "nats"}


def test_only_the_gateway_is_open_to_the_outside():
    policies = [d for d in render("production") if d["kind"] == "NetworkPolicy"]
    deny = next(p for p in policies if p["metadata"]["name"] == "default-deny-ingress")
    assert deny["spec"]["podSelector"] == {} and deny["spec"]["policyTypes"] == ["Ingress"]
    open_to_all = [p for p in policies if any("from" not in rule for rule in p["spec"].get("ingress", []))]
    assert [p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in open_to_all] == ["gateway"]


def test_prometheus_scrapes_every_service():
    docs = render("production")
    monitors = [d for d in docs if d["kind"] == "ServiceMonitor"]
    scraped = set()
    for monitor in monitors:
        selector = monitor["spec"]["selector"]
        names = selector.get("matchLabels", {}).get("app.kubernetes.io/name")
        scraped |= {names} if names else set(selector["matchExpressions"][0]["values"])
    assert scraped == {"gateway", "batch", "export", "worker"}
    config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("ocrbatch-config"))
    assert config["data"]["OCRBATCH_METRICS_PORT"] == "9464"
