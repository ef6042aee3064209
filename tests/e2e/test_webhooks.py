"""Webhooks end to end: a real HTTP receiver verifies every signature with the `standardwebhooks` package;
one receiver fails twice then succeeds, one answers 410, one asks for Retry-After; the delivery log and
manual redelivery; private targets refused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from standardwebhooks import Webhook

from tests.support.documents import text_pdf_bytes


@dataclass
class Receiver:
    """An HTTP endpoint that answers each request with the next planned status (then 200)."""

    plan: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes, float]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self, secret: str) -> list[dict]:
        """Every request received, each verified (raises on a bad signature)."""
        return [Webhook(secret).verify(body, headers) for headers, body, _ in self.received]


@pytest.fixture
def receivers() -> Iterator[Callable[[], Receiver]]:
    started: list[Receiver] = []

    def start() -> Receiver:
        r = Receiver()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                r.received.append(({k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()))
                status, headers = r.plan.pop(0) if r.plan else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        r.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=r.server.serve_forever, daemon=True).start()
        started.append(r)
        return r

    yield start
    for r in started:
        assert r.server is not None
        r.server.shutdown()


@pytest.fixture
def receiver(receivers: Callable[[], Receiver]) -> Receiver:
    return receivers()


def wait_until(condition, within_s: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def register(client: httpx.Client, url: str, **extra) -> dict:
    reply = client.post("/v1/openapi/webhooks", json={"url": url, **extra})
    assert reply.status_code == 201, reply.text
    return dict(reply.json())


def upload(client: httpx.Client, files: int) -> dict:
    pdf = text_pdf_bytes([["Invoice No: WH-1", "Total: 3.00"]])
    reply = client.post("/v1/openapi/batch/upload", files=[("files", (f"w{i}.pdf", pdf)) for i in range(files)])
    assert reply.status_code == 201
    return dict(reply.json())


def test_batch_events_arrive_signed_and_a_failing_receiver_gets_them_after_retries(local_stack, receivers):
    flaky, steady = receivers(), receivers()
    flaky.plan = [(500, {}), (503, {})]  # fails twice, then succeeds
    with local_stack.client() as client:
        hook = register(client, flaky.url, events=["batch.uploaded"], description="ci")
        other = register(client, steady.url)
        assert hook["secret"].startswith("whsec_") and other["events"] == ["batch.completed", "batch.uploaded"]
        assert all("secret" not in w for w in client.get("/v1/openapi/webhooks").json()["data"])
        batch = upload(client, 2)
        wait_until(lambda: len(flaky.received) >= 3 and len(steady.received) >= 2)
        events = flaky.events(hook["secret"])  # every request verifies with the package
        assert len({headers["webhook-id"] for headers, _, _ in flaky.received}) == 1, "retries keep the webhook-id"
        assert [e["type"] for e in events] == ["batch.uploaded"] * 3
        assert events[0]["data"]["id"] == batch["id"] and events[0]["data"]["totalFiles"] == 2
        assert events[0]["data"]["processingHistoryIds"] == batch["processingHistoryIds"]
        both = {e["type"]: e for e in steady.events(other["secret"])}
        completed = both["batch.completed"]
        assert completed["data"]["id"] == batch["id"] and completed["data"]["status"] == "completed"
        assert completed["data"]["completedFiles"] == 2 and completed["timestamp"].endswith("Z")

        log = client.get(f"/v1/openapi/webhooks/{hook['id']}/deliveries").json()["data"]
        uploaded = log[0]
        assert (uploaded["status"], uploaded["attempts"], uploaded["lastStatusCode"]) == ("succeeded", 3, 200)
        assert [h["statusCode"] for h in uploaded["history"]] == [500, 503, 200]

        again = client.post(f"/v1/openapi/webhooks/{hook['id']}/deliveries/{uploaded['id']}/redeliver")
        assert again.status_code == 202
        wait_until(lambda: len(flaky.received) >= 4)
        assert flaky.received[-1][0]["webhook-id"] == uploaded["id"]

        rotated = client.post(f"/v1/openapi/webhooks/{hook['id']}/rotate-secret").json()["secret"]
        assert rotated != hook["secret"]
        upload(client, 1)
        wait_until(lambda: len(flaky.received) >= 5)
        assert Webhook(rotated).verify(flaky.received[-1][1], flaky.received[-1][0])
        for h in (hook, other):
            assert client.delete(f"/v1/openapi/webhooks/{h['id']}").json() == {"id": h["id"], "deleted": True}


def test_410_disables_the_endpoint_and_retry_after_is_honoured(local_stack, receiver):
    with local_stack.client() as client:
        receiver.plan = [(429, {"Retry-After": "2"})]
        hook = register(client, receiver.url, events=["batch.uploaded"])
        upload(client, 1)
        wait_until(lambda: len(receiver.received) >= 2)
        waited = receiver.received[1][2] - receiver.received[0][2]
        assert waited >= 1.9, f"Retry-After: 2 was not honoured ({waited:.2f}s)"  # the schedule says 0.5 s

        receiver.plan = [(410, {})]
        upload(client, 1)
        wait_until(lambda: len(receiver.received) >= 3)
        wait_until(lambda: client.get("/v1/openapi/webhooks").json()["data"][-1]["disabled"])
        listed = next(w for w in client.get("/v1/openapi/webhooks").json()["data"] if w["id"] == hook["id"])
        assert listed["disabledReason"] == "the endpoint answered 410 Gone"
        upload(client, 1)
        time.sleep(1.5)  # nothing may come: give a (wrong) delivery time to arrive
        assert len(receiver.received) == 3
        client.delete(f"/v1/openapi/webhooks/{hook['id']}")


def test_private_targets_and_unknown_events_are_refused(local_stack):
    with local_stack.client() as client:
        for url in ("http://10.0.0.8/hook", "http://169.254.169.254/latest/meta-data", "ftp://example.com/x"):
            reply = client.post("/v1/openapi/webhooks", json={"url": url})
            assert reply.status_code == 400 and reply.json()["message"].startswith("url:"), url
        reply = client.post("/v1/openapi/webhooks", json={"url": "http://127.0.0.1:9/x", "events": ["batch.exploded"]})
        assert reply.status_code == 400 and "batch.exploded" in reply.json()["message"]
    org_path = f"/webhooks/{local_stack.organization_id}"
    with local_stack.client() as client:
        listed = client.get(org_path, params={"projectId": local_stack.project_id})
        assert listed.status_code == 200 and isinstance(listed.json()["data"], list)
        assert client.get("/webhooks/6b0490ffe259e5118c08ce76").status_code == 401
