"""Page ranges as a user gives them (`pages`, "1-3,5"): only those pages are read and the record says which; a
malformed range or one past a file's end is a 400 naming it (with the file's page count), and nothing is stored."""

from __future__ import annotations

import json

import httpx

from tests.e2e.test_locales import assert_400, batch_count, cli, wait_record
from tests.support.documents import text_pdf_bytes

PAGES = [[f"Page {n} of the quarterly report, section {n}"] for n in range(1, 6)]
REPORT = text_pdf_bytes(PAGES)


def test_only_the_pages_asked_for_are_read_and_the_record_says_which(local_stack):
    with local_stack.client() as client:
        files = [("files", ("report.pdf", REPORT, "application/pdf"))]
        created = client.post("/v1/openapi/batch/upload", files=files, data={"pages": " 4-5, 2"})
        assert created.status_code == 201, created.text
        record = wait_record(client, created.json())
    assert (record["status"], record["pageRange"]) == ("completed", "2,4-5")
    assert [page["number"] for page in record["pages"]] == [2, 4, 5]
    assert "section 2" in record["text"] and "section 4" in record["text"] and "section 1" not in record["text"]


def test_a_malformed_range_or_one_past_the_end_is_400_naming_it_and_nothing_is_stored(local_stack):
    org = local_stack.organization_id
    with local_stack.client() as client:
        before = batch_count(client)
        files = [("files", ("report.pdf", REPORT, "application/pdf"))]
        assert_400(
            client.post("/v1/openapi/batch/upload", files=files, data={"pages": "1-x"}),
            "pages: '1-x' is not a page or a range such as 1-3 (expected e.g. 1-3,5)",
        )
        assert_400(
            client.post("/v1/openapi/batch/upload", files=files, data={"pages": "3,7-9"}),
            "pages: page 9 is past the end: the document has 5 pages (report.pdf)",
        )
        single = [("file", ("report.pdf", REPORT, "application/pdf"))]
        assert_400(
            client.post(f"/upload/{org}/file", files=single, data={"pages": "6"}),
            "pages: page 6 is past the end: the document has 5 pages (report.pdf)",
        )
        assert batch_count(client) == before


def test_the_cli_sends_the_page_range(local_stack, tmp_path):
    (tmp_path / "report.pdf").write_bytes(REPORT)
    done = cli(local_stack, "submit", str(tmp_path / "report.pdf"), "--pages", "1,3", "--json")
    assert done.returncode == 0, done.stderr
    with local_stack.client() as client:
        record = wait_record(client, json.loads(done.stdout))
    assert [page["number"] for page in record["pages"]] == [1, 3]


def test_a_declared_batch_reads_the_pages_it_names_and_a_document_too_short_is_400_with_its_count(local_stack):
    from tests.e2e.test_sensible import bearer, wait_for

    with bearer(local_stack) as client:
        declared = {"documentNames": ["report.pdf", "short.pdf"], "docType": "invoice", "pages": "2,5"}
        assert_400(client.post("/v0/extract/batch", json={**declared, "pages": "2-"}), "pages: '2-' is not a page")
        batch_id = client.post("/v0/extract/batch", json=declared).json()
        urls = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/0/1").json()
        ids = client.get(f"/v0/extract/batch/{batch_id}").json()["extraction_ids"]
    assert httpx.put(urls[0], content=REPORT, timeout=60).status_code == 200
    short = httpx.put(urls[1], content=text_pdf_bytes(PAGES[:3]), timeout=60)
    assert_400(short, "pages: page 5 is past the end: the document has 3 pages (short.pdf)")
    with bearer(local_stack) as client:
        read = wait_for(client, ids[0])
        assert client.get(f"/v0/documents/{ids[1]}").json()["status"] == "WAITING"  # nothing kept: it waits
    assert httpx.put(urls[1], content=REPORT, timeout=60).status_code == 200  # the URL takes a right one
    with bearer(local_stack) as client:
        assert wait_for(client, ids[1])["status"] == "COMPLETE"
    with local_stack.client() as client:
        record = client.get(f"/v1/openapi/processing-history/{ids[0]}").json()
    assert read["status"] == "COMPLETE" and [page["number"] for page in record["pages"]] == [2, 5]
    assert read["type"] == "invoice"  # the docType as the batch gave it, not the template's name ("Invoice")
