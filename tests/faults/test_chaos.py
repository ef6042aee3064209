"""Faults, as an operator would cause them: every service its own process, each killed with SIGKILL while
batches are processing and an export is streaming, then started again. Nothing may be lost, doubled or
applied to the wrong record; a broken download must look broken; a backend that is down answers 503."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import re
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw

from services.local.processes import Child, free_port, spawn, start_grpc_service, start_nats, start_secantus
from tests.support.documents import font, png_bytes
from tests.support.seed import seed_completed_batch

DB = "chaos"
BATCHES, FILES_PER_BATCH = 5, 24  # 120 files; one in three is an image to OCR, the rest text
EXPORT_RECORDS = 1500  # a seeded batch whose PDF export takes seconds: long enough to kill mid-stream


@dataclass
class Cluster:
    home: Path
    children: dict[str, Child] = field(default_factory=dict)
    url: str = ""
    api_key: str = ""
    organization_id: str = ""
    project_id: str = ""
    mongodb_uri: str = ""

    def kill(self, name: str) -> None:
        self.children[name].kill()

    def restart(self, name: str, ready: str) -> float:
        """Starts a killed service again with the same ports; seconds until it answers `ready`."""
        started = time.monotonic()
        self.children[name] = self.children[name].respawn()
        self.children[name].wait_until(lambda: _ready(ready), f"{ready} after restart", 120)
        return time.monotonic() - started

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"X-API-Key": self.api_key}, timeout=60)

    def logs(self) -> str:
        return "\n".join(f"--- {c.name}\n{c.log()[-2500:]}" for c in self.children.values())


def _ready(what: str) -> bool:
    kind, _, where = what.partition(":")
    if kind == "http":
        try:
            return httpx.get(f"http://{where}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False
    if kind == "grpc":
        from services.local.processes import grpc_serving

        return grpc_serving(where)
    port = int(where.rsplit(":", 1)[1])
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    home = tmp_path_factory.mktemp("chaos")
    logs = home / "logs"
    c = Cluster(home)
    try:
        c.children["nats"], nats_url = start_nats(home, logs)
        c.children["mongo"], c.mongodb_uri = start_secantus(None, logs)
        env = {
            "NATS_URL": nats_url,
            "MONGODB_URI": c.mongodb_uri,
            "OCRBATCH_MONGODB_DB": DB,
            "OCRBATCH_REQUEUE_INTERVAL_S": "2",
            "OCRBATCH_JOB_ACK_WAIT_S": "10",
            "OCRBATCH_GRACE_PERIOD_S": "2",
            "OCRBATCH_IDEMPOTENCY_LEASE_S": "3",  # a dead gateway's Idempotency-Key is free again within 3 s
        }
        key_file = home / "key.json"
        c.children["batch"], batch = start_grpc_service(
            "batch",
            "services.batch",
            "OCRBATCH_BATCH_PORT",
            {**env, "OCRBATCH_BOOTSTRAP_KEY_FILE": str(key_file)},
            logs,
        )
        env["OCRBATCH_BATCH_TARGET"] = batch
        c.children["export"], export = start_grpc_service(
            "export", "services.export", "OCRBATCH_EXPORT_PORT", env, logs
        )
        for n in (1, 2):
            c.children[f"worker-{n}"], _ = start_grpc_service(
                f"worker-{n}", "services.worker", "OCRBATCH_WORKER_HEALTH_PORT", {**env, "OCRBATCH_WORKER_ID": f"w{n}"},
                logs, timeout=120,
            )  # fmt: skip
        port = free_port()
        c.url = f"http://127.0.0.1:{port}"
        gateway_env = {**env, "OCRBATCH_EXPORT_TARGET": export, "OCRBATCH_HTTP_PORT": str(port)}
        gateway_env["OCRBATCH_RATE_LIMIT_PER_MINUTE"] = "0"
        c.children["gateway"] = spawn("gateway", [sys.executable, "-m", "services.gateway"], gateway_env, logs)
        c.children["gateway"].wait_until(lambda: _ready(f"http:127.0.0.1:{port}"), "/healthz", 60)
        tenant = json.loads(key_file.read_text())
        c.api_key, c.organization_id, c.project_id = tenant["apiKey"], tenant["organizationId"], tenant["projectId"]
        yield c
    finally:
        for child in reversed(list(c.children.values())):
            child.stop(grace_s=10)


def token_image(token: str) -> bytes:
    image = Image.new("RGB", (560, 100), "white")
    ImageDraw.Draw(image).text((20, 25), f"Invoice No: {token}", fill="black", font=font(40))
    return png_bytes(image)


def files_of(batch: int) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Each file names its own token in its content, so a result applied to another record shows."""
    out = []
    for k in range(FILES_PER_BATCH):
        token = f"9{batch}{k:03d}"
        if k % 3 == 0:
            out.append(("files", (f"{token}.png", token_image(token), "image/png")))
        else:
            out.append(("files", (f"{token}.txt", f"Invoice No: {token}\nTotal: 5.00\n".encode(), "text/plain")))
    return out


def upload(c: Cluster, batch: int) -> str:
    with c.client() as client:
        for _ in range(60):  # a 503 asks to come back: we do, as a client library would
            reply = client.post("/v1/openapi/batch/upload", files=files_of(batch), data={"name": f"chaos {batch}"})
            if reply.status_code != 503:
                break
            time.sleep(float(reply.headers["Retry-After"]))
        assert reply.status_code == 201, reply.text
        return str(reply.json()["id"])


def wait_until_processing_started(c: Cluster, batch_id: str) -> None:
    with c.client() as client:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            body = client.get(f"/v1/openapi/batch/{batch_id}").json()
            if body.get("completedFiles", 0) + body.get("failedFiles", 0) > 0:
                return
            time.sleep(0.1)
    raise AssertionError(f"batch {batch_id} never started")


def records_of(c: Cluster, batch_id: str) -> list[str]:
    with c.client() as client:
        data = client.get("/v1/openapi/processing-history", params={"batchId": batch_id, "limit": 100}).json()["data"]
    return [r["id"] for r in data]


def until_answered(c: Cluster, path: str, within_s: float = 30) -> float:
    """Seconds until a read through the gateway answers 200 again (the gateway's channel reconnected)."""
    started = time.monotonic()
    with c.client() as client:
        while time.monotonic() - started < within_s:
            if client.get(path).status_code == 200:
                return time.monotonic() - started
            time.sleep(0.02)
    raise AssertionError(f"{path} still failing after {within_s}s")


def raw_get(c: Cluster, path: str) -> socket.socket:
    """An HTTP/1.1 request on a bare socket: what arrives is what any client library would see."""
    sock = socket.create_connection(("127.0.0.1", int(c.url.rsplit(":", 1)[1])), timeout=60)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: {c.api_key}\r\n\r\n".encode())
    return sock


def read_all(sock: socket.socket) -> bytes:
    data = bytearray()
    while chunk := sock.recv(65536):
        data += chunk
    return bytes(data)


def test_kill_9_of_every_service_loses_nothing_doubles_nothing_and_breaks_downloads_visibly(cluster):
    c = cluster
    started = time.monotonic()
    figures: dict[str, float] = {}
    export_batch = asyncio.run(seed_completed_batch(c.mongodb_uri, DB, c.organization_id, c.project_id, EXPORT_RECORDS))
    ids = [upload(c, 0), upload(c, 1)]

    # a worker dies with a job in hand: JetStream gives the job to the other one after the ack wait
    wait_until_processing_started(c, ids[0])
    c.kill("worker-1")
    figures["worker restart s"] = c.restart(
        "worker-1", f"grpc:127.0.0.1:{c.children['worker-1'].env['OCRBATCH_WORKER_HEALTH_PORT']}"
    )

    # the batch service dies: uploads get a clean 503 at once, workers keep their jobs and wait
    c.kill("batch")
    with c.client() as client:
        asked = time.monotonic()
        refused = client.post("/v1/openapi/batch/upload", files=files_of(9)[:1])
        figures["503 while the batch service is down s"] = time.monotonic() - asked
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert refused.json() == {
        "statusCode": 503,
        "message": "a backend service is unavailable, try again shortly",
        "error": "Service Unavailable",
    }
    time.sleep(3)  # an outage longer than the old give-up (3 attempts in about 6 s)
    figures["batch service restart s"] = c.restart("batch", f"grpc:{c.children['export'].env['OCRBATCH_BATCH_TARGET']}")
    figures["gateway answering again after it s"] = until_answered(c, "/v1/openapi/batch")
    ids.append(upload(c, 2))

    # NATS dies: the gateway, the batch service and the workers reconnect; unpublished jobs are re-queued
    c.kill("nats")
    time.sleep(2)
    c.restart("nats", f"port:{c.children['batch'].env['NATS_URL']}")
    ids.append(upload(c, 3))

    # the export service dies mid-download: the client sees the transfer break, not a complete file
    sock = raw_get(c, f"/v1/openapi/batch/{export_batch}/export?format=pdf")
    head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200") and b"transfer-encoding: chunked" in head.lower()
    c.kill("export")
    rest = read_all(sock)
    sock.close()
    assert not (head + rest).endswith(b"0\r\n\r\n"), "a cut export must not end like a complete one"
    # before the first byte: a 503 in the error format
    with c.client() as client:
        down = client.get(f"/v1/openapi/batch/{export_batch}/export", params={"format": "csv"})
    assert down.status_code == 503 and down.headers["Retry-After"] == "2" and down.json()["statusCode"] == 503
    c.restart("export", f"grpc:127.0.0.1:{c.children['export'].env['OCRBATCH_EXPORT_PORT']}")
    export_path = f"/v1/openapi/processing-history/{records_of(c, ids[0])[0]}/result?format=json"
    figures["gateway exporting again after export restart s"] = until_answered(c, export_path)

    # the gateway dies and comes back
    c.kill("gateway")
    c.restart("gateway", f"http:{c.url.removeprefix('http://')}")
    ids.append(upload(c, 4))

    # every batch reaches its final status with every file read once, into its own record
    with c.client() as client:
        deadline = time.monotonic() + 150
        finals = {}
        while len(finals) < len(ids) and time.monotonic() < deadline:
            for batch_id in set(ids) - set(finals):
                body = client.get(f"/v1/openapi/batch/{batch_id}").json()
                if body["status"] in ("completed", "partially_failed", "failed"):
                    finals[batch_id] = body
            time.sleep(0.5)
        assert len(finals) == len(ids), f"not final: {set(ids) - set(finals)}\n{c.logs()}"
        lost = doubled = misapplied = misread = 0
        for batch_id, batch in finals.items():
            records = client.get("/v1/openapi/processing-history", params={"batchId": batch_id, "limit": 100}).json()[
                "data"
            ]
            statuses = [r["status"] for r in records]
            assert (batch["completedFiles"], batch["failedFiles"]) == (
                statuses.count("completed"),
                statuses.count("failed"),
            ), batch
            lost += FILES_PER_BATCH - len(records) + statuses.count("failed")
            doubled += max(0, batch["completedFiles"] + batch["failedFiles"] - FILES_PER_BATCH)
            for r in records:
                full = client.get(f"/v1/openapi/processing-history/{r['id']}").json()
                token = r["fileName"].rsplit(".", 1)[0]
                others = {t for t in re.findall(r"9\d{4}", full["text"].replace(" ", "")) if t != token}
                misapplied += bool(others)  # another file's token: a result applied to the wrong record
                misread += token not in full["text"].replace(" ", "")
        assert (lost, doubled, misapplied) == (0, 0, 0), c.logs()
        assert misread == 0  # each image was checked to OCR right on its own
        figures["files"], figures["misread by OCR"] = len(ids) * FILES_PER_BATCH, misread
        assert all(b["status"] == "completed" for b in finals.values())

        # and the export works again, whole
        whole = client.get(f"/v1/openapi/batch/{ids[0]}/export", params={"format": "csv"})
        assert whole.status_code == 200
        assert len(list(csv.DictReader(io.StringIO(whole.text)))) == FILES_PER_BATCH
    figures["total s"] = time.monotonic() - started
    print("\nchaos figures:", json.dumps({k: round(v, 2) for k, v in figures.items()}))


def wait_final(c: Cluster, batch_id: str, within_s: float = 120) -> dict:
    with c.client() as client:
        deadline = time.monotonic() + within_s
        while time.monotonic() < deadline:
            body = client.get(f"/v1/openapi/batch/{batch_id}").json()
            if body["status"] in ("completed", "partially_failed", "failed"):
                return dict(body)
            time.sleep(0.3)
    raise AssertionError(f"batch {batch_id} not final\n{c.logs()}")


def complete_or_visibly_broken(response: bytes) -> str:
    """A chunked PDF download either ends with its terminating chunk and a whole PDF, or without it."""
    if response.endswith(b"0\r\n\r\n"):
        assert b"%%EOF" in response[-200:], "a download that ends like a complete one must be complete"
        return "complete"
    return "broken"


def test_a_gateway_killed_while_a_keyed_upload_runs_leaves_one_batch_and_one_charge_after_the_retry(cluster):
    """The gateway is killed (SIGKILL) once it has claimed an upload's Idempotency-Key and is streaming the upload to
    the batch service (a large file: the stream takes seconds, the kill lands in it). The cut stream stores nothing
    and gives its credit back; the key stays held until its lease lapses (the dead gateway no longer renews it),
    then the client's retry under the same key runs the upload: one batch, one charge."""
    import threading
    import uuid

    from bson import ObjectId
    from pymongo import MongoClient

    c = cluster
    key = str(uuid.uuid4())
    large = bytes(range(256)) * (20 * 4096)  # 20 MB that no worker can read: the record fails fast, as it should
    files = [("files", ("large.bin", large, "application/octet-stream"))]
    headers = {"Idempotency-Key": key}
    db = MongoClient(c.mongodb_uri)[DB]
    organization = {"_id": ObjectId(c.organization_id)}
    credits_before = db.organizations.find_one(organization)["credits"]
    with c.client() as client:
        batches_before = client.get("/v1/openapi/batch").json()["pagination"]["total"]

    def first() -> None:
        with c.client() as client, contextlib.suppress(httpx.HTTPError):
            client.post("/v1/openapi/batch/upload", files=files, data={"name": "keyed"}, headers=headers)

    sending = threading.Thread(target=first)
    sending.start()
    deadline = time.monotonic() + 60
    while db.idempotency_keys.find_one({"_id": f"{c.organization_id}:{key}", "answer": None}) is None:
        assert time.monotonic() < deadline, "the gateway never claimed the key"
        time.sleep(0.01)
    c.kill("gateway")
    sending.join(30)
    c.restart("gateway", f"http:{c.url.removeprefix('http://')}")

    with c.client() as client:
        deadline = time.monotonic() + 60
        while (
            retry := client.post("/v1/openapi/batch/upload", files=files, data={"name": "keyed"}, headers=headers)
        ).status_code == 409:
            assert time.monotonic() < deadline, "the dead gateway's hold on the key never lapsed"
            time.sleep(float(retry.headers["Retry-After"]))
        assert retry.status_code == 201, retry.text
        again = client.post("/v1/openapi/batch/upload", files=files, data={"name": "keyed"}, headers=headers)
        assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == retry.json()["id"]
        assert client.get("/v1/openapi/batch").json()["pagination"]["total"] == batches_before + 1
    assert db.organizations.find_one(organization)["credits"] == credits_before - 1


def test_sigterm_drains_every_service(cluster):
    """SIGTERM, as Kubernetes stops a pod: each service finishes (or visibly gives back) what it holds."""
    c = cluster
    export_batch = asyncio.run(seed_completed_batch(c.mongodb_uri, DB, c.organization_id, c.project_id, EXPORT_RECORDS))

    # a worker finishes the job in hand and exits 0; no file fails
    batch_id = upload(c, 5)
    wait_until_processing_started(c, batch_id)
    assert c.children["worker-1"].stop(grace_s=30) == 0, c.children["worker-1"].log()[-2000:]
    assert "stopping after" in c.children["worker-1"].log()
    c.restart("worker-1", f"grpc:127.0.0.1:{c.children['worker-1'].env['OCRBATCH_WORKER_HEALTH_PORT']}")
    assert wait_final(c, batch_id)["status"] == "completed"

    # the batch service stops while results arrive: it exits 0, and after it is back every result is counted
    batch_id = upload(c, 6)
    wait_until_processing_started(c, batch_id)
    assert c.children["batch"].stop(grace_s=30) == 0, c.children["batch"].log()[-2000:]
    c.restart("batch", f"grpc:{c.children['export'].env['OCRBATCH_BATCH_TARGET']}")
    final = wait_final(c, batch_id)
    assert (final["status"], final["completedFiles"], final["failedFiles"]) == ("completed", FILES_PER_BATCH, 0)

    # the export service stops mid-download (grace 2 s, the PDF takes longer): whole, or visibly cut
    sock = raw_get(c, f"/v1/openapi/batch/{export_batch}/export?format=pdf")
    head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200")
    assert c.children["export"].stop(grace_s=30) == 0
    outcome = complete_or_visibly_broken(head + read_all(sock))
    sock.close()
    c.restart("export", f"grpc:127.0.0.1:{c.children['export'].env['OCRBATCH_EXPORT_PORT']}")

    # the gateway stops with a download in flight: it finishes it (up to its grace period) or cuts it visibly
    sock = raw_get(c, f"/v1/openapi/batch/{export_batch}/export?format=pdf")
    head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200")
    # uvicorn re-raises SIGTERM once it has shut down gracefully, so the exit status is the signal's
    assert c.children["gateway"].stop(grace_s=30) in (0, -15)
    assert "Finished server process" in c.children["gateway"].log()
    gateway_outcome = complete_or_visibly_broken(head + read_all(sock))
    sock.close()
    c.restart("gateway", f"http:{c.url.removeprefix('http://')}")
    print(f"\ndrain: export stopped mid-download → {outcome}; gateway stopped mid-download → {gateway_outcome}")
