"""Sensible's own Python client (PyPI `sensibleapi`, unchanged but for its module-level base_url) against the
whole stack: extract by upload and by URL, wait, Excel of two; and what is refused — a forged or used upload
URL, private and metadata addresses, a download over the size limit, a URL that answers 404, another
organization's extraction. The stack allows loopback targets (OCRBATCH_WEBHOOK_ALLOW=loopback), so the
documents are served from this process."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import openpyxl
import pytest
import sensibleapi.sensibleapi as sensible_module
from sensibleapi import SensibleSDK
from standardwebhooks import Webhook

from tests.e2e.test_webhooks import Receiver, receivers, wait_until  # noqa: F401 (receivers: their fixture)
from tests.support.documents import text_pdf_bytes

LIMIT_BYTES = 25 * 1024 * 1024  # the stack's upload size limit (OCRBATCH_MAX_FILE_MB's default)
MARCH = text_pdf_bytes([["Invoice No: SDK-1", "Date: 31/03/2026", "Total: 12.50"]])
APRIL = text_pdf_bytes([["Invoice No: SDK-2", "Date: 30/04/2026", "Total: 99.00"]])


@pytest.fixture
def documents() -> Iterator[str]:
    """An HTTP server on loopback: /april.pdf, /huge.pdf (over the limit, sent without a Content-Length, so
    only counting the bytes finds it out), /hop (a redirect to a private address) and 404 for anything else."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/april.pdf":
                self.send_response(200)
                self.send_header("content-type", "application/pdf")
                self.send_header("content-length", str(len(APRIL)))
                self.end_headers()
                self.wfile.write(APRIL)
            elif self.path == "/huge.pdf":
                self.send_response(200)
                self.send_header("content-type", "application/pdf")
                self.end_headers()  # no length: the body ends when the connection closes
                self.close_connection = True
                block = b"\0" * (1024 * 1024)
                try:
                    for _ in range(LIMIT_BYTES // len(block) + 2):
                        self.wfile.write(block)
                except OSError:  # the service stopped reading at the limit
                    pass
            elif self.path == "/hop":  # a way around the address check, were redirects not checked too
                self.send_response(302)
                self.send_header("location", "http://10.1.2.3/doc.pdf")
                self.send_header("content-length", "0")
                self.end_headers()
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def sdk(local_stack, monkeypatch: pytest.MonkeyPatch) -> SensibleSDK:
    monkeypatch.setattr(sensible_module, "base_url", local_stack.url + "/v0")
    return SensibleSDK(local_stack.api_key)


def stranger_key(stack) -> str:
    org = stack.admin("org", "create", "SDK Stranger", "--credits", "5")
    project = stack.admin("project", "create", org["id"], "P")
    return str(stack.admin("key", "create", org["id"], "--project", project["id"])["secret"])


def test_the_client_extracts_by_upload_and_by_url_waits_and_gets_one_excel_of_both(
    sdk,
    documents,
    receivers,  # noqa: F811 (the fixture)
    tmp_path: Path,
):
    hook: Receiver = receivers()
    path = tmp_path / "march.pdf"
    path.write_bytes(MARCH)
    by_upload = sdk.extract(
        path=str(path),
        document_type="Invoice",
        document_name="march.pdf",
        webhook={"url": hook.url, "payload": {"ticket": 7}},
    )
    by_url = sdk.extract(url=f"{documents}/april.pdf", document_type="invoice", document_types=["invoice"])
    assert by_upload["type"] == by_url["type"] == "extraction"

    march, april = sdk.wait_for(by_upload), sdk.wait_for(by_url)
    assert march["status"] == april["status"] == "COMPLETE", (march, april)
    assert march["id"] == by_upload["id"] and march["document_name"] == "march.pdf" and march["type"] == "Invoice"
    assert march["parsed_document"]["invoiceNumber"] == "SDK-1" and march["parsed_document"]["totalAmount"] == 12.5
    assert april["parsed_document"]["invoiceNumber"] == "SDK-2" and april["document_name"] == "april.pdf"

    # the extraction's own webhook: the document as GET /v0/documents shows it, with the payload, once
    wait_until(lambda: len(hook.received) >= 1)
    body = json.loads(hook.received[0][1])
    assert body["id"] == march["id"] and body["status"] == "COMPLETE" and body["payload"] == {"ticket": 7}
    assert body["parsed_document"] == march["parsed_document"]

    link = sdk.generate_excel([by_upload, by_url])["url"]
    sheet = httpx.get(link, timeout=60)  # signed: no key
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [march["id"], april["id"]] and [r[1] for r in rows[1:]] == [
        "march.pdf",
        "april.pdf",
    ]
    assert httpx.get(link.replace("signature=", "signature=x"), timeout=60).status_code == 403


def test_a_url_extractions_webhook_is_signed_with_the_secret_its_creation_answered(
    local_stack,
    documents,
    receivers,  # noqa: F811 (the fixture)
):
    hook: Receiver = receivers()
    with httpx.Client(base_url=local_stack.url, headers={"Authorization": f"Bearer {local_stack.api_key}"}) as api:
        created = api.post(
            "/v0/extract_from_url/invoice",
            params={"document_name": "fetched.pdf"},
            json={"document_url": f"{documents}/april.pdf", "webhook": {"url": hook.url, "payload": "p-1"}},
            timeout=60,
        )
    assert created.status_code == 200, created.text
    answer = created.json()
    assert answer["status"] == "WAITING" and answer["document_name"] == "fetched.pdf"
    wait_until(lambda: len(hook.received) >= 1, within_s=120)
    headers, body, _ = hook.received[0]
    event = Webhook(answer["webhook_secret"]).verify(body, headers)  # raises on a bad signature
    assert event["id"] == answer["id"] and event["status"] == "COMPLETE" and event["payload"] == "p-1"


def test_what_the_client_is_refused(local_stack, sdk, documents):
    with httpx.Client(base_url=local_stack.url, headers={"Authorization": f"Bearer {local_stack.api_key}"}) as api:
        first = api.post("/v0/generate_upload_url/invoice", json={}, headers={"Idempotency-Key": "sdk-1"}, timeout=60)
        again = api.post("/v0/generate_upload_url/invoice", json={}, headers={"Idempotency-Key": "sdk-1"}, timeout=60)
        assert again.headers.get("idempotent-replayed") == "true" and again.json() == first.json()
        created = first.json()
    url = created["upload_url"]
    forged = httpx.put(url.replace("signature=", "signature=x"), content=MARCH, timeout=60)
    assert forged.status_code == 403 and "invalid" in forged.json()["message"]
    assert httpx.put(url, content=MARCH, timeout=60).status_code == 200
    reused = httpx.put(url, content=MARCH, timeout=60)
    assert reused.status_code == 403 and "uploaded already" in reused.json()["message"]

    for address, kind in (("http://10.1.2.3/doc.pdf", "private"), ("http://169.254.169.254/latest/", "link-local")):
        with pytest.raises(Exception, match=r"Bad Request \(400\)") as refused:
            sdk.extract(url=address, document_type="invoice")
        assert f"is a {kind} address" in str(refused.value) and "OCRBATCH_WEBHOOK_ALLOW" in str(refused.value)

    huge = sdk.wait_for(sdk.extract(url=f"{documents}/huge.pdf", document_type="invoice"))
    assert huge["status"] == "FAILED" and huge["parsed_document"] is None
    assert huge["error"] == f"could not fetch {documents}/huge.pdf: the document is larger than 25 MB"
    missing = sdk.wait_for(sdk.extract(url=f"{documents}/gone.pdf?token=secret", document_type="invoice"))
    assert missing["status"] == "FAILED" and missing["error"] == f"could not fetch {documents}/gone.pdf: 404 Not Found"

    hop = sdk.wait_for(sdk.extract(url=f"{documents}/hop", document_type="invoice"))
    assert hop["status"] == "FAILED" and hop["error"] == (
        f"could not fetch {documents}/hop: 10.1.2.3 is a private address; "
        "OCRBATCH_WEBHOOK_ALLOW does not allow private addresses"
    )

    mine = {"type": "extraction", "id": created["id"]}
    theirs = SensibleSDK(stranger_key(local_stack))
    with pytest.raises(Exception, match=r"Unauthorized \(401\)"):
        theirs.generate_excel([mine])
    with pytest.raises(Exception, match=r"Unauthorized \(401\)"):
        theirs.wait_for(mine)
    with pytest.raises(Exception, match="404"):
        sdk.generate_excel([mine, {"id": "0123456789abcdef01234567"}])
