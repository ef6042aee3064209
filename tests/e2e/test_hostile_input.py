"""Hostile input gets a clear 4xx or a failed record with a reason: never a crash, a hang or a partial batch."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.documents import Invoice, invoice_image, png_bytes
from tests.support.hostile import (
    encrypted_pdf_bytes,
    many_pages_pdf_bytes,
    multipart,
    png_bomb_bytes,
    truncated_pdf_bytes,
)

PNG = png_bytes(invoice_image(Invoice("LIE-1", "5.00"), width=500, height=300))


def wait_records(client: httpx.Client, batch: dict, timeout: float = 120) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/v1/openapi/batch/{batch['id']}").json()["status"]
        if status in ("completed", "partially_failed", "failed"):
            break
        time.sleep(0.3)
    records = [client.get(f"/v1/openapi/processing-history/{rid}").json() for rid in batch["processingHistoryIds"]]
    return {r["fileName"]: r for r in records}


@pytest.fixture(scope="module")
def hostile_batch(local_stack):
    files = [
        ("files", ("encrypted.pdf", encrypted_pdf_bytes(), "application/pdf")),
        ("files", ("truncated.pdf", truncated_pdf_bytes(), "application/pdf")),
        ("files", ("ten-thousand-pages.pdf", many_pages_pdf_bytes(), "application/pdf")),
        ("files", ("bomb.png", png_bomb_bytes(), "image/png")),
        ("files", ("empty.pdf", b"", "application/pdf")),
        ("files", ("really-a-png.pdf", PNG, "application/pdf")),  # the extension lies
        ("files", ("binary.txt", bytes(range(256)) * 8, "text/plain")),
    ]
    with local_stack.client() as client:
        reply = client.post("/v1/openapi/batch/upload", files=files)
        assert reply.status_code == 201, reply.text
        batch = reply.json()
        return batch, wait_records(client, batch), client.get(f"/v1/openapi/batch/{batch['id']}").json()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("encrypted.pdf", "the PDF is encrypted with a password"),
        ("truncated.pdf", "the PDF cannot be opened"),
        ("ten-thousand-pages.pdf", "the PDF has 10000 pages, more than the limit of 500"),
        ("bomb.png", "2500000000 pixels"),
        ("empty.pdf", "the file is empty"),
        ("binary.txt", "unsupported file type"),
    ],
)
def test_hostile_files_fail_their_record_with_a_reason(hostile_batch, name, error):
    _, records, _ = hostile_batch
    assert records[name]["status"] == "failed"
    assert error in records[name]["error"]
    assert "Traceback" not in records[name]["error"]


def test_a_file_is_read_by_its_bytes_not_its_extension(hostile_batch):
    _, records, final = hostile_batch
    assert records["really-a-png.pdf"]["status"] == "completed"
    assert "LIE-1" in records["really-a-png.pdf"]["text"]
    assert (final["status"], final["completedFiles"], final["failedFiles"]) == ("partially_failed", 1, 6)


def test_file_names_with_paths_nul_and_300_characters_are_made_safe(local_stack):
    body, content_type = multipart(
        [
            ("files", "../../etc/passwd", b"Invoice No: P-1"),
            ("files", "in\x00voice.txt", b"Invoice No: P-2"),
            ("files", "x" * 300 + ".txt", b"Invoice No: P-3"),
        ]
    )
    with local_stack.client() as client:
        reply = client.post("/v1/openapi/batch/upload", content=body, headers={"Content-Type": content_type})
        assert reply.status_code == 201, reply.text
        names = [
            client.get(f"/v1/openapi/processing-history/{rid}").json()["fileName"]
            for rid in reply.json()["processingHistoryIds"]
        ]
    assert names[0] == "passwd"
    assert names[1] == "in_voice.txt"
    assert len(names[2]) == 255 and names[2].endswith(".txt")


@pytest.mark.parametrize(
    ("body", "content_type", "status", "fragment"),
    [
        (b"--nope\r\nnot really multipart", "multipart/form-data; boundary=other", 400, "malformed multipart"),
        (b"garbage", "multipart/form-data", 400, "malformed multipart"),
        (b"", "multipart/form-data; boundary=x", 400, "no files"),
        (b"a=1", "application/x-www-form-urlencoded", 400, "multipart/form-data"),
    ],
)
def test_malformed_multipart_is_400(local_stack, body, content_type, status, fragment):
    with local_stack.client() as client:
        reply = client.post("/v1/openapi/batch/upload", content=body, headers={"Content-Type": content_type})
    assert reply.status_code == status, reply.text
    assert fragment in reply.json()["message"]


def test_ten_megabytes_of_metadata_is_refused(local_stack):
    body, content_type = multipart(
        [("files", "a.txt", b"x"), ("metadata", None, b'{"a": "' + b"x" * 10_000_000 + b'"}')]
    )
    with local_stack.client() as client:
        before = client.get("/v1/openapi/batch").json()["pagination"]["total"]
        reply = client.post("/v1/openapi/batch/upload", content=body, headers={"Content-Type": content_type})
        assert reply.status_code == 400 and "larger than 64 KB" in reply.json()["message"]
        assert client.get("/v1/openapi/batch").json()["pagination"]["total"] == before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v1/openapi/batch?limit=-1", 400),
        ("/v1/openapi/batch?page=0", 400),
        ("/v1/openapi/batch?page=99999999999999999999", 400),
        ("/v1/openapi/processing-history?fromDate=2026-13-45", 400),
        ("/v1/openapi/processing-history?toDate=99999-01-01", 400),
        ("/v1/openapi/processing-history?fromDate=2026-04-02&toDate=2026-04-01", 400),
        ("/v1/openapi/processing-history?limit=1000000000", 400),
        ("/v1/openapi/processing-history?status=done", 400),
        ("/v1/openapi/processing-history/%00%01", 404),
        ("/v1/openapi/templates/..%2F..%2Fetc", 404),
        ("/v1/openapi/batch/' OR 1=1 --", 404),
        ('/v1/openapi/batch/{"$ne": null}', 404),
    ],
)
def test_bad_parameters_and_ids_that_are_not_ids(local_stack, path, status):
    with local_stack.client() as client:
        reply = client.get(path)
    assert reply.status_code == status, reply.text
    assert reply.json()["statusCode"] == status


def test_a_retry_of_an_id_that_is_not_an_id_is_404(local_stack):
    with local_stack.client() as client:
        assert client.post("/v1/openapi/processing-history/not-an-id/retry").status_code == 404
