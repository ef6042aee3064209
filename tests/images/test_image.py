"""The ocrbatch image, built offline (`make images`: debootstrap base, host wheelhouse, podman) and run: every
service of the stack in its own container (NATS and SecantusDB from the same image), with a read-only root
filesystem; a batch uploaded through the gateway container and exported. Skips, saying why, where podman
cannot run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.local.processes import free_port
from tests.support.documents import Invoice, invoice_image, png_bytes, text_pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "image" / "containers.conf"
IMAGE = "ocrbatch:test"
ENV = {**os.environ, "CONTAINERS_CONF": str(CONF)}


def _why_not() -> str | None:
    for tool in ("podman", "runc", "debootstrap"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install podman runc debootstrap)"
    if os.geteuid() != 0:
        return "building the base image with debootstrap needs root"
    info = subprocess.run(["podman", "info"], env=ENV, capture_output=True, text=True)
    return None if info.returncode == 0 else f"podman cannot run here: {info.stderr.strip()[:200]}"


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=str(_why_not()))


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["podman", *args], env=ENV, capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, f"podman {' '.join(args[:3])}…: {done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def image() -> str:
    built = subprocess.run(
        [str(ROOT / "deploy" / "image" / "build.sh")],
        env={**ENV, "OCRBATCH_IMAGE": IMAGE},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return IMAGE


@pytest.fixture(scope="module")
def stack(image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    keys = tmp_path_factory.mktemp("keys")
    keys.chmod(0o777)  # the containers run as uid 10001
    ports = {name: free_port() for name in ("nats", "mongo", "batch", "export", "http", "health")}
    names = []

    def run(name: str, *args: str, env: dict[str, str] | None = None, volume: str = "") -> None:
        flags = ["run", "-d", "--name", f"ocrbatch-test-{name}", "--network", "host", "--read-only", "--tmpfs", "/tmp"]
        for key, value in (env or {}).items():
            flags += ["-e", f"{key}={value}"]
        if volume:
            flags += ["-v", volume]
        podman(*flags, image, *args)
        names.append(f"ocrbatch-test-{name}")

    common = {
        "NATS_URL": f"nats://127.0.0.1:{ports['nats']}",
        "OCRBATCH_BATCH_TARGET": f"127.0.0.1:{ports['batch']}",
        "OCRBATCH_EXPORT_TARGET": f"127.0.0.1:{ports['export']}",
        "OCRBATCH_BATCH_HOST": "127.0.0.1",
        "OCRBATCH_EXPORT_HOST": "127.0.0.1",
        "OCRBATCH_HTTP_HOST": "127.0.0.1",
        "OCRBATCH_WORKER_HEALTH_HOST": "127.0.0.1",
    }
    try:
        run("nats", "nats", "-a", "127.0.0.1", "-p", str(ports["nats"]), "-js", "-sd", "/tmp/js")
        run("mongo", "secantusdb", "--host", "127.0.0.1", "--port", str(ports["mongo"]), "--storage-path", ":memory:")
        run(
            "batch", "batch", volume=f"{keys}:/keys",
            env={**common, "MONGODB_URI": f"mongodb://127.0.0.1:{ports['mongo']}/?directConnection=true",
                 "OCRBATCH_BATCH_PORT": str(ports["batch"]), "OCRBATCH_BOOTSTRAP_KEY_FILE": "/keys/key.json"},
        )  # fmt: skip
        run("export", "export", env={**common, "OCRBATCH_EXPORT_PORT": str(ports["export"])})
        run("worker", "worker", env={**common, "OCRBATCH_WORKER_HEALTH_PORT": str(ports["health"])})
        run("gateway", "gateway", env={**common, "OCRBATCH_HTTP_PORT": str(ports["http"])})
        url = f"http://127.0.0.1:{ports['http']}"
        deadline = time.monotonic() + 240
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200 and (keys / "key.json").exists():
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                logs = "\n".join(podman("logs", n, check=False).stderr[-1500:] for n in names)
                raise AssertionError(f"the stack did not start from the image:\n{logs}")
            time.sleep(1)
        tenant = json.loads((keys / "key.json").read_text())
        yield {"url": url, "key": tenant["apiKey"], "worker": "ocrbatch-test-worker"}
    finally:
        for name in reversed(names):
            podman("rm", "-f", "-t", "5", name, check=False)


def test_the_image_runs_as_a_non_root_user_without_compilers_and_with_the_models(image):
    look = "id -u; command -v gcc cc || echo none; ls /opt/ocrbatch/lib/python3*/site-packages/rapidocr/models"
    inside = podman("run", "--rm", "--entrypoint", "sh", image, "-c", look)
    uid, compilers, *models = inside.stdout.split()
    assert uid == "10001" and compilers == "none"
    assert any(m.startswith("PP-OCRv6_det") for m in models) and any(m.startswith("PP-OCRv6_rec") for m in models)
    config = json.loads(podman("image", "inspect", image).stdout)[0]["Config"]
    assert config["StopSignal"] in ("SIGTERM", "15") and config["User"] == "10001:10001"


def test_the_whole_stack_runs_from_the_image_and_a_batch_goes_through(stack):
    files = [
        ("files", ("img-1.pdf", text_pdf_bytes([["Invoice No: IMG-1", "Total: 4.00"]]), "application/pdf")),
        (
            "files",
            ("img-2.png", png_bytes(invoice_image(Invoice("IMG-2", "8.00"), width=700, height=500)), "image/png"),
        ),
    ]
    with httpx.Client(base_url=stack["url"], headers={"X-API-Key": stack["key"]}, timeout=120) as client:
        batch = client.post("/v1/openapi/batch/upload", files=files, data={"templateId": "invoice"}).json()
        deadline = time.monotonic() + 180
        while (body := client.get(f"/v1/openapi/batch/{batch['id']}").json())["status"] != "completed":
            assert time.monotonic() < deadline and body["status"] == "processing", body
            time.sleep(0.5)
        exported = client.get(f"/v1/openapi/batch/{batch['id']}/export", params={"format": "csv"})
    assert exported.status_code == 200
    assert "IMG-1" in exported.text and "IMG-2" in exported.text
    stopped = podman("stop", "-t", "60", stack["worker"])  # SIGTERM reaches the service: it drains and exits
    assert stopped.returncode == 0
    state = json.loads(podman("inspect", stack["worker"]).stdout)[0]["State"]
    assert state["ExitCode"] == 0, state
