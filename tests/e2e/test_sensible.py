"""Sensible-style batches (reference 004) against the whole stack: declare names, get signed upload URLs,
PUT the documents, follow each extraction, download the Excel; bad ranges, used, forged and expired
URLs, oversize and undecodable documents."""

from __future__ import annotations

import io
import socket
import time

import httpx
import openpyxl

from tests.support.documents import Invoice, invoice_image, png_bytes, text_pdf_bytes

NAMES = ["march.pdf", "scan.png", "garbage.bin", "never-uploaded.pdf"]


def bearer(stack) -> httpx.Client:
    return httpx.Client(base_url=stack.url, headers={"Authorization": f"Bearer {stack.api_key}"}, timeout=60)


def wait_for(client: httpx.Client, extraction_id: str, within_s: float = 90) -> dict:
    deadline = time.monotonic() + within_s
    while True:
        document = client.get(f"/v0/documents/{extraction_id}").json()
        if document["status"] in ("COMPLETE", "FAILED") or time.monotonic() > deadline:
            return dict(document)
        time.sleep(0.3)


def test_a_declared_batch_is_uploaded_by_signed_urls_and_read_back_as_sensible_shows_it(local_stack):
    with bearer(local_stack) as client:
        created = client.post(
            "/v0/extract/batch", json={"documentNames": NAMES, "docType": "Invoice", "description": "test batch"}
        )
        assert created.status_code == 200, created.text
        batch_id = created.json()
        assert isinstance(batch_id, str)
        first = client.get(f"/v0/extract/batch/{batch_id}").json()
        assert first["description"] == "test batch" and first["waiting"] == 4 and len(first["extraction_ids"]) == 4

        for start, end in ((2, 1), (0, 4), (-1, 0)):
            bad = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/{start}/{end}")
            assert bad.status_code in (400, 422) and bad.json()["statusCode"] == 400, (start, end, bad.text)
        urls = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/0/2").json()
        assert len(urls) == 3 and all(u.startswith(local_stack.url + f"/v0/uploads/{batch_id}/") for u in urls)
        # each URL's path names its extraction, as the reference's do
        ids = first["extraction_ids"]
        assert [u.split("?")[0].rsplit("/", 2)[1:] for u in urls] == [[str(i), ids[i]] for i in range(3)]

    pdf = text_pdf_bytes([["Invoice No: SB-1", "Date: 31/03/2026", "Total: 12.50"]])
    png = png_bytes(invoice_image(Invoice("SB-2", "99.00"), width=700, height=500))
    for url, data, kind in zip(
        urls, [pdf, png, b"\x00\xff\x13garbage\x00" * 40], ["application/pdf", "image/png", ""], strict=True
    ):
        put = httpx.put(url, content=data, headers={"Content-Type": kind} if kind else {}, timeout=60)  # no API key
        assert put.status_code == 200 and put.content == b""
    again = httpx.put(urls[0], content=pdf, timeout=60)
    assert again.status_code == 403 and "uploaded already" in again.json()["message"]
    forged = httpx.put(urls[1].replace(f"/{batch_id}/1/", f"/{batch_id}/3/"), content=pdf, timeout=60)
    assert forged.status_code == 403
    swapped = httpx.put(urls[1].replace(ids[1], ids[3]), content=pdf, timeout=60)  # another extraction's id
    assert swapped.status_code == 403
    expired = httpx.put(urls[1].split("expires=")[0] + "expires=1&signature=x", content=pdf, timeout=60)
    assert expired.status_code == 403

    with bearer(local_stack) as client:
        ids = client.get(f"/v0/extract/batch/{batch_id}").json()["extraction_ids"]
        done = [wait_for(client, i) for i in ids[:3]]
        assert [d["status"] for d in done] == ["COMPLETE", "COMPLETE", "FAILED"]
        assert (
            done[0]["parsed_document"]["invoiceNumber"] == "SB-1" and done[0]["parsed_document"]["totalAmount"] == 12.5
        )
        assert done[1]["parsed_document"]["invoiceNumber"] == "SB-2"
        assert (
            done[0]["document_name"] == "march.pdf" and done[0]["type"] == "Invoice" and done[0]["batchId"] == batch_id
        )
        assert done[0]["created"] and done[0]["completed"] and done[2]["error"]
        waiting = client.get(f"/v0/documents/{ids[3]}").json()
        assert waiting["status"] == "WAITING" and waiting["completed"] is None
        after = client.put(f"/v0/extract/batch/{batch_id}", json={"description": "renamed"}).json()
        assert after == {"id": batch_id, "description": "renamed", "extraction_ids": ids, "waiting": 1}

        link = client.get(f"/v0/generate_excel_from_batch/{batch_id}").json()["url"]
    sheet = httpx.get(link, timeout=60)  # a signed link: no key needed
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert sorted(r[1] for r in rows[1:]) == ["march.pdf", "scan.png"]  # the completed documents
    assert httpx.get(link.replace("signature=", "signature=x"), timeout=60).status_code == 403


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(local_stack):
    with bearer(local_stack) as client:
        batch_id = client.post("/v0/extract/batch", json={"documentNames": ["big.pdf"], "docType": "invoice"}).json()
        url = client.put(f"/v0/extract/batch/upload_urls/{batch_id}/0/0").json()[0]
    path = url.removeprefix(local_stack.url)
    with socket.create_connection(("127.0.0.1", int(local_stack.url.rsplit(":", 1)[1])), timeout=30) as sock:
        sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 30000000\r\n\r\n".encode())
        head = sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 413")


def test_another_organizations_batch_is_refused(local_stack):
    org = local_stack.admin("org", "create", "Sensible Stranger", "--credits", "1")
    project = local_stack.admin("project", "create", org["id"], "P")
    key = local_stack.admin("key", "create", org["id"], "--project", project["id"])["secret"]
    with bearer(local_stack) as mine:
        batch_id = mine.post("/v0/extract/batch", json={"documentNames": ["x.pdf"], "docType": "invoice"}).json()
    with httpx.Client(base_url=local_stack.url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as theirs:
        reply = theirs.get(f"/v0/extract/batch/{batch_id}")
        assert (
            reply.status_code == 401 and reply.json()["message"] == "Batch does not belong to the token's organization"
        )
        assert theirs.put(f"/v0/extract/batch/upload_urls/{batch_id}/0/0").status_code == 401
        unknown = theirs.post("/v0/extract/batch", json={"documentNames": ["x.pdf"], "docType": "no such template"})
        assert unknown.status_code == 400 and "docType" in unknown.json()["message"]
