"""End to end: real documents uploaded over REST, OCR'd by NATS workers, tracked, exported as JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import time

import httpx
import pytest

from tests.support.documents import (
    Invoice,
    corrupt_pdf_bytes,
    image_pdf_bytes,
    invoice_image,
    jpeg_bytes,
    png_bytes,
    scanned,
    text_pdf_bytes,
)

INVOICE = Invoice(number="INV-2026-0042", total="1,250.00")


def documents() -> list[tuple[str, bytes, str]]:
    clean = invoice_image(INVOICE)
    return [
        ("invoice-clean.png", png_bytes(clean), "image/png"),
        ("invoice-scan.jpg", jpeg_bytes(scanned(clean, angle=3.0, noise=18)), "image/jpeg"),
        ("invoice-text.pdf", text_pdf_bytes([INVOICE.lines()]), "application/pdf"),
        ("invoice-scanned.pdf", image_pdf_bytes([scanned(clean, angle=-2.0, seed=11)]), "application/pdf"),
        ("broken.pdf", corrupt_pdf_bytes(), "application/pdf"),
    ]


def wait_for_final(client, batch_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        body = client.get(f"/v1/openapi/batch/{batch_id}").json()
        seen.append((body["status"], body["progress"]))
        if body["status"] in ("completed", "partially_failed", "failed"):
            return body | {"_seen": seen}
        time.sleep(0.5)
    raise AssertionError(f"batch {batch_id} never finished: {seen[-5:]}")


@pytest.fixture(scope="module")
def finished_batch(local_stack):
    with local_stack.client() as client:
        files = [("files", (name, data, mime)) for name, data, mime in documents()]
        reply = client.post(
            "/v1/openapi/batch/upload",
            files=files,
            data={
                "name": "March 2026 Invoices",
                "templateId": "invoice",
                "metadata": json.dumps({"source": "e2e", "count": 5}),
            },
        )
        assert reply.status_code == 201, reply.text
        created = reply.json()
        final = wait_for_final(client, created["id"])
        records = {
            r["fileName"]: r
            for r in (
                client.get(f"/v1/openapi/processing-history/{rid}").json() for rid in created["processingHistoryIds"]
            )
        }
    return created, final, records


def test_upload_answers_201_with_the_new_batch(finished_batch, local_stack):
    created, _, _ = finished_batch
    assert created["name"] == "March 2026 Invoices"
    assert created["projectId"] == local_stack.project_id
    assert created["organizationId"] == local_stack.organization_id
    assert created["metadata"] == {"source": "e2e", "count": 5}
    assert created["status"] == "processing"
    assert (created["totalFiles"], created["completedFiles"], created["failedFiles"], created["progress"]) == (
        5,
        0,
        0,
        0,
    )
    assert len(created["uploadIds"]) == len(created["processingHistoryIds"]) == 5
    assert created["createdAt"].endswith("Z")


def test_batch_with_one_corrupt_file_ends_partially_failed(finished_batch):
    _, final, _ = finished_batch
    assert final["status"] == "partially_failed"
    assert (final["completedFiles"], final["failedFiles"], final["progress"]) == (4, 1, 100)
    progresses = [p for _, p in final["_seen"]]
    assert progresses == sorted(progresses)


@pytest.mark.parametrize("name", ["invoice-clean.png", "invoice-scan.jpg", "invoice-text.pdf", "invoice-scanned.pdf"])
def test_every_good_file_has_the_invoice_number_and_total_in_its_text(finished_batch, name):
    _, _, records = finished_batch
    rec = records[name]
    assert rec["status"] == "completed", rec
    assert "INV-2026-0042" in rec["text"]
    assert "1,250.00" in rec["text"]
    assert rec["pages"] and rec["pages"][0]["lines"]
    line = rec["pages"][0]["lines"][0]
    assert 0 < line["confidence"] <= 1 and len(line["box"]) == 4
    assert rec["startedAt"] and rec["completedAt"] and rec["attempts"] >= 1


@pytest.mark.parametrize("name", ["invoice-clean.png", "invoice-scan.jpg", "invoice-text.pdf", "invoice-scanned.pdf"])
def test_the_invoice_template_extracts_typed_fields_with_provenance(finished_batch, name):
    _, _, records = finished_batch
    rec = records[name]
    assert rec["templateName"] == "Invoice"
    assert rec["processingResult"] == {
        "invoiceNumber": "INV-2026-0042",
        "invoiceDate": "2026-03-31",
        "vendor": "Acme",  # the name a person files it under; the legal name beside it
        "issuerLegalName": "Acme Corp",
        "totalAmount": 1250,
        "currency": "EUR",
        "lineItems": [
            {"description": "Consulting services", "quantity": 1, "unitPrice": 1000},
            {"description": "Travel expenses", "quantity": 2, "unitPrice": 125},
        ],
    }
    detail = rec["fieldDetails"]["invoiceNumber"]
    assert detail["value"] == "INV-2026-0042" and detail["page"] == 1
    assert 0.5 < detail["confidence"] <= 1 and len(detail["box"]) == 4


def test_text_layer_pdf_is_not_ocrd_but_scans_are(finished_batch):
    _, _, records = finished_batch
    assert records["invoice-text.pdf"]["pages"][0]["source"] == "text_layer"
    assert records["invoice-scanned.pdf"]["pages"][0]["source"] == "ocr"
    assert records["invoice-scan.jpg"]["pages"][0]["source"] == "ocr"


def test_the_corrupt_file_fails_with_a_readable_error(finished_batch):
    _, _, records = finished_batch
    broken = records["broken.pdf"]
    assert broken["status"] == "failed"
    assert broken["error"].startswith("the PDF cannot be opened")
    assert "Traceback" not in broken["error"]


def test_json_export_holds_the_completed_files(finished_batch, local_stack):
    created, _, _ = finished_batch
    with local_stack.client() as client:
        reply = client.get(f"/v1/openapi/batch/{created['id']}/export", params={"format": "json"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.headers["content-disposition"] == f'attachment; filename="batch-{created["id"]}-export.json"'
    doc = reply.json()
    assert doc["batch"]["status"] == "partially_failed"
    names = [r["fileName"] for r in doc["records"]]
    assert names == ["invoice-clean.png", "invoice-scan.jpg", "invoice-text.pdf", "invoice-scanned.pdf"]
    assert all("INV-2026-0042" in r["text"] for r in doc["records"])


def test_csv_export_has_a_row_per_completed_file(finished_batch, local_stack):
    created, _, _ = finished_batch
    with local_stack.client() as client:
        reply = client.get(f"/v1/openapi/batch/{created['id']}/export", params={"format": "csv"})
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"] == f'attachment; filename="batch-{created["id"]}-export.csv"'
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {"invoiceNumber", "totalAmount", "lineItems.1.unitPrice"} <= set(rows[0])
    assert all(r["invoiceNumber"] == "INV-2026-0042" and r["totalAmount"] == "1250" for r in rows)
    assert [r["fileName"] for r in rows] == [
        "invoice-clean.png",
        "invoice-scan.jpg",
        "invoice-text.pdf",
        "invoice-scanned.pdf",
    ]
    assert all(r["status"] == "completed" and "INV-2026-0042" in r["text"] and "1,250.00" in r["text"] for r in rows)


def test_the_batch_is_listed_under_its_status_only(finished_batch, local_stack):
    created, _, _ = finished_batch
    with local_stack.client() as client:
        listed = client.get("/v1/openapi/batch", params={"status": "partially_failed"}).json()
        assert created["id"] in [b["id"] for b in listed["data"]]
        assert listed["pagination"]["limit"] == 20 and listed["pagination"]["page"] == 1
        completed = client.get("/v1/openapi/batch", params={"status": "completed", "limit": 100}).json()
        assert created["id"] not in [b["id"] for b in completed["data"]]


def test_processing_history_lists_counts_and_retries(finished_batch, local_stack):
    created, _, records = finished_batch
    with local_stack.client() as client:
        listed = client.get("/v1/openapi/processing-history", params={"batchId": created["id"]}).json()
        assert listed["pagination"] == {"page": 1, "limit": 10, "total": 5, "pages": 1}
        failed = client.get("/v1/openapi/processing-history", params={"batchId": created["id"], "status": "failed"})
        assert [r["fileName"] for r in failed.json()["data"]] == ["broken.pdf"]
        stats = client.get("/v1/openapi/processing-history/stats").json()
        assert set(stats) == {"total", "pending", "processing", "completed", "failed", "needsReview"}
        assert stats["completed"] >= 4 and stats["failed"] >= 1

        unknown = client.post("/v1/openapi/processing-history/0123456789abcdef01234567/retry")
        assert unknown.status_code == 404  # (reading a completed record again: tests/e2e/test_corrections.py)
        retried = client.post(f"/v1/openapi/processing-history/{records['broken.pdf']['id']}/retry")
        assert retried.status_code == 200 and retried.json()["status"] == "queued"
        assert retried.json()["error"] is None and retried.json()["attempts"] == 0
        final = wait_for_final(client, created["id"])  # the corrupt file fails again
        assert (final["status"], final["completedFiles"], final["failedFiles"]) == ("partially_failed", 4, 1)
        again = client.get(f"/v1/openapi/processing-history/{records['broken.pdf']['id']}").json()
        assert again["status"] == "failed" and again["error"].startswith("the PDF cannot be opened")


def test_one_trace_follows_a_file_from_gateway_to_worker_and_back(finished_batch, local_stack):
    deadline = time.monotonic() + 30
    in_trace: set[str] = set()
    names: set[str] = set()
    while not {"ocr job", "apply result"} <= names and time.monotonic() < deadline:
        time.sleep(0.2)  # span processors flush every 0.5 s: wait until the whole trace is written
        spans = [json.loads(line) for line in local_stack.spans_file.read_text().splitlines() if line.strip()]
        upload = next(
            (
                s
                for s in spans
                if s["service"] == "ocrbatch-gateway" and s["name"].startswith("POST /v1/openapi/batch/upload")
            ),
            None,
        )
        if upload is not None:
            in_trace = {s["service"] for s in spans if s["trace_id"] == upload["trace_id"]}
            names = {s["name"] for s in spans if s["trace_id"] == upload["trace_id"]}
    assert {"ocrbatch-gateway", "ocrbatch-batch", "ocrbatch-worker"} <= in_trace
    assert {"ocr job", "apply result"} <= names


def test_a_records_file_url_downloads_the_original_until_it_expires_or_is_forged(finished_batch, local_stack):
    _, _, records = finished_batch
    record = records["invoice-text.pdf"]
    with local_stack.client() as client:
        listed = client.get(f"/v1/openapi/processing-history/{record['id']}").json()
    assert listed["userId"]  # the key that uploaded it, never null
    url = listed["fileUrl"]
    assert url.startswith(local_stack.url + "/v1/files/") and "signature=" in url
    original = httpx.get(url, timeout=30)  # no API key: the signature is the permission
    assert original.status_code == 200 and original.content.startswith(b"%PDF")
    assert original.headers["content-type"] == "application/pdf"
    assert 'filename="invoice-text.pdf"' in original.headers["content-disposition"]
    forged = httpx.get(url.replace(record["id"], records["broken.pdf"]["id"]), timeout=30)
    assert forged.status_code == 403 and forged.json()["statusCode"] == 403
    expired = httpx.get(url.split("?")[0] + "?expires=1&signature=" + url.rsplit("signature=", 1)[1], timeout=30)
    assert expired.status_code == 403
