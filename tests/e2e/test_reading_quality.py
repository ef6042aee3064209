"""The reading quality as a user sets and sees it: `quality` on an upload (fast or accurate) or on a template; the
record says which quality read it; a wrong one is a 400 naming the field, on every route it enters by."""

from __future__ import annotations

import json
import re

import httpx

from tests.e2e.test_locales import assert_400, batch_count, cli, wait_record
from tests.support.documents import Invoice, invoice_image, png_bytes

INVOICE = png_bytes(invoice_image(Invoice(number="INV-4471", total="1,250.00")))
WRONG = "quality: must be one of accurate, fast ('turbo')"


def upload(client: httpx.Client, **form: str) -> dict:
    files = [("files", ("invoice.png", INVOICE, "image/png"))]
    reply = client.post("/v1/openapi/batch/upload", files=files, data=form)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_an_upload_read_fast_says_so_and_its_fields_are_read(local_stack):
    with local_stack.client() as client:
        fast = wait_record(client, upload(client, templateId="invoice", quality="fast"))
        accurate = wait_record(client, upload(client, templateId="invoice"))

    assert (fast["status"], fast["quality"]) == ("completed", "fast")
    assert (accurate["status"], accurate["quality"]) == ("completed", "accurate")  # the workers' default
    for record in (fast, accurate):
        assert record["processingResult"]["invoiceNumber"] == "INV-4471"
        assert record["processingResult"]["totalAmount"] == 1250.0
    assert "Invoice No: INV-4471" in accurate["text"]
    # fast keeps the tiny model's reading of a line its gate is sure of, and the tiny model drops some spaces
    assert re.search(r"Invoice No: ?INV-4471", fast["text"])


def test_a_template_quality_reads_its_documents_unless_the_upload_says_otherwise(local_stack):
    with local_stack.client() as client:
        template = {
            "name": "Fast invoices",
            "quality": "fast",
            "fields": [{"name": "number", "type": "identifier", "rule": {"label": {"labels": ["Invoice No"]}}}],
        }
        created = client.post("/v1/openapi/templates", json=template)
        assert created.status_code == 201 and created.json()["quality"] == "fast", created.text
        by_template = wait_record(client, upload(client, templateId=created.json()["id"]))
        by_upload = wait_record(client, upload(client, templateId=created.json()["id"], quality="accurate"))

    assert (by_template["quality"], by_template["processingResult"]["number"]) == ("fast", "INV-4471")
    assert by_upload["quality"] == "accurate"  # the upload's quality wins over the template's


def test_a_wrong_quality_is_400_naming_it_and_nothing_is_stored(local_stack):
    org = local_stack.organization_id
    with local_stack.client() as client:
        before = batch_count(client)
        files = [("files", ("a.png", INVOICE, "image/png"))]
        assert_400(client.post("/v1/openapi/batch/upload", files=files, data={"quality": "turbo"}), WRONG)
        single = [("file", ("a.png", INVOICE, "image/png"))]
        assert_400(client.post(f"/upload/{org}/file", files=single, data={"quality": "turbo"}), WRONG)
        assert batch_count(client) == before
        template = {"name": "T", "quality": "turbo", "fields": [{"name": "n", "rule": {"regex": {"pattern": "(x)"}}}]}
        assert_400(client.post("/v1/openapi/templates", json=template), WRONG)


def test_the_cli_sends_the_upload_quality(local_stack, tmp_path):
    (tmp_path / "invoice.png").write_bytes(INVOICE)
    done = cli(local_stack, "submit", str(tmp_path / "invoice.png"), "--quality", "fast", "--json")
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout)
    with local_stack.client() as client:
        record = wait_record(client, batch)
    assert (record["status"], record["quality"]) == ("completed", "fast")
