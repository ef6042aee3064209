"""The gateway's answers to bad requests: status codes and the {statusCode, message, error} body."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.documents import Invoice, invoice_image, png_bytes

PNG = png_bytes(invoice_image(Invoice("INV-1", "1.00"), width=200, height=120))


def assert_error(reply: httpx.Response, status: int, fragment: str) -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert body["statusCode"] == status
    assert fragment in body["message"]
    assert body["error"] == httpx.codes.get_reason_phrase(status)


def test_no_api_key_is_401(local_stack):
    assert_error(httpx.get(local_stack.url + "/v1/openapi/batch"), 401, "an API key or login token is required")
    bad = httpx.get(local_stack.url + "/v1/openapi/batch", headers={"X-API-Key": "ocr_nope"})
    assert_error(bad, 401, "invalid API key")


def test_bearer_works_like_x_api_key(local_stack):
    reply = httpx.get(local_stack.url + "/v1/openapi/batch", headers={"Authorization": f"Bearer {local_stack.api_key}"})
    assert reply.status_code == 200 and "pagination" in reply.json()


def test_upload_without_files_is_400(local_stack):
    with local_stack.client() as client:
        assert_error(
            client.post("/v1/openapi/batch/upload", data={"name": "x"}, files={"other": ("a.txt", b"a")}),
            400,
            "no files",
        )


def batch_count(client) -> int:
    return client.get("/v1/openapi/batch").json()["pagination"]["total"]


def test_upload_of_more_than_50_files_is_400_and_stores_nothing(local_stack):
    with local_stack.client() as client:
        before = batch_count(client)
        files = [("files", (f"f{i}.png", PNG, "image/png")) for i in range(51)]
        assert_error(client.post("/v1/openapi/batch/upload", files=files), 400, "at most 50 files")
        assert batch_count(client) == before


def test_upload_with_bad_metadata_is_400(local_stack):
    with local_stack.client() as client:
        files = [("files", ("a.png", PNG, "image/png"))]
        assert_error(
            client.post("/v1/openapi/batch/upload", files=files, data={"metadata": "{oops"}), 400, "not valid JSON"
        )
        assert_error(client.post("/v1/openapi/batch/upload", files=files, data={"metadata": "[1]"}), 400, "JSON object")


def test_upload_naming_another_project_with_a_project_key_is_401(local_stack):
    with local_stack.client() as client:
        reply = client.post(
            "/v1/openapi/batch/upload", files=[("files", ("a.png", PNG, "image/png"))], data={"projectId": "x"}
        )
        assert_error(reply, 401, "does not match")


def test_a_file_over_the_size_limit_is_413(local_stack):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (25 * 1024 * 1024 + 1)
    with local_stack.client() as client:
        reply = client.post("/v1/openapi/batch/upload", files=[("files", ("huge.png", big, "image/png"))])
        assert_error(reply, 413, "larger than 25 MB")


def test_not_multipart_is_400(local_stack):
    with local_stack.client() as client:
        assert_error(client.post("/v1/openapi/batch/upload", json={"files": []}), 400, "multipart/form-data")


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        ("/v1/openapi/batch/6b0490ffe259e5118c08ce76", 404, "not found"),
        ("/v1/openapi/batch/not-an-id", 404, "not found"),
        ("/v1/openapi/processing-history/6b0490ffe259e5118c08ce76", 404, "not found"),
        ("/v1/openapi/batch/6b0490ffe259e5118c08ce76/export?format=json", 404, "not found"),
        ("/v1/openapi/batch?page=abc", 400, "page"),
        ("/v1/openapi/batch?limit=0", 400, "limit"),
        ("/v1/openapi/batch?limit=1000000000", 400, "limit"),
        ("/v1/openapi/batch?status=done", 400, "status must be one of"),
        ("/v1/openapi/nothing-here", 404, "Not Found"),
    ],
)
def test_bad_reads_get_clear_errors(local_stack, path, status, fragment):
    with local_stack.client() as client:
        assert_error(client.get(path), status, fragment)


def test_export_format_is_checked(local_stack):
    with local_stack.client() as client:
        created = client.post(
            "/v1/openapi/batch/upload", files=[("files", ("a.txt", b"Invoice No: T-1", "text/plain"))]
        ).json()
        assert_error(client.get(f"/v1/openapi/batch/{created['id']}/export"), 400, "format is required")
        assert_error(client.get(f"/v1/openapi/batch/{created['id']}/export?format=xls"), 400, "format must be one of")


def test_export_of_a_batch_with_nothing_completed_is_400(local_stack):
    with local_stack.client() as client:
        created = client.post("/v1/openapi/batch/upload", files=[("files", ("empty.png", b"", "image/png"))]).json()
        for _ in range(100):
            if client.get(f"/v1/openapi/batch/{created['id']}").json()["status"] == "failed":
                break
            time.sleep(0.2)
        reply = client.get(f"/v1/openapi/batch/{created['id']}/export?format=csv")
        assert_error(reply, 400, "no completed records")
        record = client.get(f"/v1/openapi/processing-history/{created['processingHistoryIds'][0]}").json()
        assert record["status"] == "failed" and record["error"] == "the file is empty"


def test_deleted_batch_is_404(local_stack):
    with local_stack.client() as client:
        created = client.post(
            "/v1/openapi/batch/upload", files=[("files", ("a.txt", b"Invoice No: D-1", "text/plain"))]
        ).json()
        assert client.delete(f"/v1/openapi/batch/{created['id']}").status_code == 200
        assert_error(client.get(f"/v1/openapi/batch/{created['id']}"), 404, "not found")
        assert_error(client.delete(f"/v1/openapi/batch/{created['id']}"), 404, "not found")


def test_a_refused_upload_is_its_4xx_every_time_however_much_was_still_being_sent(local_stack):
    """The batch service refuses the upload's header at once, while the gateway still streams the files to
    it: grpc's asyncio client could report such a call as INTERNAL ("Internal error from Core",
    grpc/grpc#36066), and about one upload in ten got a 500 instead of its 400 (or 402)."""
    files = [("files", (f"page-{i}.png", PNG + bytes(300_000), "image/png")) for i in range(3)]
    with local_stack.client() as client:
        statuses = [
            client.post("/v1/openapi/batch/upload", files=files, data={"templateId": "nope"}) for _ in range(40)
        ]
    assert [r.status_code for r in statuses] == [400] * 40, [r.text for r in statuses if r.status_code != 400]
    assert_error(statuses[-1], 400, "templateId")
