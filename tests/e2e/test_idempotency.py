"""Idempotency-Key as a client that retries uses it: the same key and request again get the first answer (same
ids, no second charge, `Idempotent-Replayed: true`); a different request under the key is a 422; a key is the
organization's own; and a client whose connection was cut after it sent its whole upload gets one batch."""

from __future__ import annotations

import socket
import time
import uuid

import httpx
import pytest

from tests.support.documents import text_pdf_bytes

PDF = text_pdf_bytes([["Invoice No: IDEM-1", "Total: 10.00"]])


@pytest.fixture(scope="module")
def tenant(local_stack):
    org = local_stack.admin("org", "create", "Idempotent tenant", "--credits", "10")
    project = local_stack.admin("project", "create", org["id"], "Retries")
    key = local_stack.admin("key", "create", org["id"], "--project", project["id"], "--name", "retrying client")
    return org["id"], key["secret"]


def client(stack, secret: str) -> httpx.Client:
    return httpx.Client(base_url=stack.url, headers={"X-API-Key": secret}, timeout=60)


def credits(stack, org_id: str) -> int:
    return int(next(o for o in stack.admin("org", "list")["data"] if o["id"] == org_id)["credits"])


def batches(c: httpx.Client) -> int:
    return c.get("/v1/openapi/batch").json()["pagination"]["total"]


def upload(c: httpx.Client, key: str, name: str = "a.pdf") -> httpx.Response:
    files = [("files", (name, PDF, "application/pdf"))]
    return c.post("/v1/openapi/batch/upload", files=files, headers={"Idempotency-Key": key})


def test_the_same_upload_again_under_its_key_gets_the_first_answer_and_is_charged_once(local_stack, tenant):
    org_id, secret = tenant
    key = str(uuid.uuid4())
    with client(local_stack, secret) as c:
        before, balance = batches(c), credits(local_stack, org_id)
        first = upload(c, key)
        again = upload(c, key)
        assert first.status_code == again.status_code == 201, (first.text, again.text)
        assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert batches(c) == before + 1 and credits(local_stack, org_id) == balance - 1

        other = upload(c, key, name="b.pdf")  # another request under the same key
        assert other.status_code == 422 and "different request" in other.json()["message"]
        assert other.json()["statusCode"] == 422
        bad = upload(c, "k" * 300)
        assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["message"]


def test_a_key_is_the_organizations_own_and_works_on_templates(local_stack, tenant):
    _, secret = tenant
    key = str(uuid.uuid4())
    template = {"name": "Idempotent", "fields": [{"name": "n", "rule": {"regex": {"pattern": "No: (\\\\S+)"}}}]}
    with client(local_stack, secret) as mine, local_stack.client() as theirs:
        first = mine.post("/v1/openapi/templates", json=template, headers={"Idempotency-Key": key})
        again = mine.post("/v1/openapi/templates", json=template, headers={"Idempotency-Key": key})
        other_org = theirs.post("/v1/openapi/templates", json=template, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == other_org.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert other_org.json()["id"] != first.json()["id"] and "idempotent-replayed" not in other_org.headers


def test_a_client_cut_off_after_sending_its_upload_retries_with_its_key_and_gets_one_batch(local_stack, tenant):
    """The first request is sent whole over a raw socket, which is closed, without reading any answer, once the
    server has made its batch; the retry under the same key gets that request's batch (409 if it still runs), and
    the organization pays once."""
    org_id, secret = tenant
    key = str(uuid.uuid4())
    boundary = "ocrbatchboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="cut.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    host, port = local_stack.url.removeprefix("http://").split(":")
    with client(local_stack, secret) as c:
        before, balance = batches(c), credits(local_stack, org_id)
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            head = (
                f"POST /v1/openapi/batch/upload HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {secret}\r\n"
                f"Idempotency-Key: {key}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            )
            raw.sendall(head.encode() + body)
            deadline = time.monotonic() + 60
            while batches(c) == before:  # the server is at work on it: now the connection is cut
                assert time.monotonic() < deadline, "the first request made no batch"
                time.sleep(0.05)
        # the connection is gone before the answer was read; the client retries under the same key
        deadline = time.monotonic() + 60
        while (retry := upload(c, key, name="cut.pdf")).status_code == 409:
            assert retry.headers["retry-after"] and time.monotonic() < deadline
            time.sleep(float(retry.headers["retry-after"]) / 4)
        assert retry.status_code == 201 and retry.headers["idempotent-replayed"] == "true", retry.text
        assert batches(c) == before + 1 and credits(local_stack, org_id) == balance - 1
        assert c.get(f"/v1/openapi/batch/{retry.json()['id']}").status_code == 200


class CuttingProxy:
    """A TCP proxy in front of the gateway that cuts its first connection once the gateway has answered: the
    request arrived whole and was acted on, but the client never reads the answer."""

    def __init__(self, upstream: str) -> None:
        import threading

        self.upstream = upstream.removeprefix("http://").split(":")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import threading

        while True:
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._pipe, args=(downstream, self.connections == 1), daemon=True).start()

    def _pipe(self, downstream: socket.socket, cut: bool) -> None:
        import threading

        upstream = socket.create_connection((self.upstream[0], int(self.upstream[1])))

        def copy(source: socket.socket, target: socket.socket, answer: bool) -> None:
            try:
                while chunk := source.recv(65536):
                    if answer and cut:  # the gateway answered: the client's connection is cut instead
                        downstream.shutdown(socket.SHUT_RDWR)
                        downstream.close()
                        return
                    target.sendall(chunk)
            except OSError:
                pass
            finally:
                for s in (source, target):
                    try:
                        s.close()
                    except OSError:
                        pass

        threading.Thread(target=copy, args=(downstream, upstream, False), daemon=True).start()
        copy(upstream, downstream, True)

    def close(self) -> None:
        self.listener.close()


def test_the_cli_sends_a_key_with_each_submit_and_retries_once_when_its_connection_is_cut(
    local_stack, tenant, tmp_path
):
    import json

    from tests.e2e.test_locales import cli

    org_id, secret = tenant
    (tmp_path / "cut.pdf").write_bytes(PDF)
    proxy = CuttingProxy(local_stack.url)
    try:
        with client(local_stack, secret) as c:
            before, balance = batches(c), credits(local_stack, org_id)
            done = cli(
                local_stack, "submit", str(tmp_path / "cut.pdf"), "--url", proxy.url, "--api-key", secret, "--json"
            )
            assert done.returncode == 0, done.stderr
            assert proxy.connections == 2  # the cut one, and the retry
            assert batches(c) == before + 1 and credits(local_stack, org_id) == balance - 1
            assert json.loads(done.stdout)["id"] == c.get("/v1/openapi/batch").json()["data"][0]["id"]
    finally:
        proxy.close()
