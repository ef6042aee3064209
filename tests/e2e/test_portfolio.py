"""Classified files against the whole stack: a PDF holding a real receipt, a real invoice and a page of prose,
uploaded with `templateIds`, comes back as three documents — each its own extraction with its type, pages,
fields and classification confidence — and exports as three rows; a single receipt uploaded with `templateIds`
is read with the receipt template; a declared batch of `portfolioDocTypes` splits its documents the same way;
wrong lists are 400s naming them."""

from __future__ import annotations

import csv
import io

import pikepdf
import pytest
from PIL import Image

from tests.e2e.test_locales import assert_400, batch_count, wait_record
from tests.e2e.test_sensible_sdk import sdk  # noqa: F401 (the fixture: Sensible's client pointed at the stack)
from tests.support import real_corpora
from tests.support.documents import image_pdf_bytes, text_pdf_bytes

pytestmark = pytest.mark.skipif(
    not (real_corpora.available("sroie-dev") and real_corpora.available("invoices-dev")),
    reason=f"the development corpora are not under {real_corpora.CORPORA_DIR}",
)

PROSE = [
    "Minutes of the committee meeting",
    "The committee met to discuss the spring programme of the reading group.",
    "Members agreed to meet on the first Tuesday of each month in the library hall.",
    "The chair thanked everyone who helped to organise the book exchange last year.",
    "Suggestions for next season's authors should be sent to the secretary.",
    "The meeting closed with a short discussion about the summer outing.",
]


def _receipt() -> real_corpora.RealDocument:
    return real_corpora.load("sroie-dev")[0]


def _invoice() -> real_corpora.RealDocument:
    return real_corpora.load("invoices-dev")[0]


def portfolio_pdf() -> bytes:
    """A receipt's scan, an invoice's scan (image pages) and a page of prose (a text page), in one PDF."""
    images = [Image.open(doc.path).convert("RGB") for doc in (_receipt(), _invoice())]
    out = pikepdf.Pdf.new()
    for data in (image_pdf_bytes(images, dpi=150), text_pdf_bytes([PROSE])):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            out.pages.extend(pdf.pages)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_a_pdf_of_a_receipt_an_invoice_and_prose_comes_back_as_three_documents_and_exports_as_three_rows(
    local_stack,
):
    receipt, invoice = _receipt(), _invoice()
    with local_stack.client() as client:
        files = [("files", ("scans.pdf", portfolio_pdf(), "application/pdf"))]
        created = client.post("/v1/openapi/batch/upload", files=files, data={"templateIds": "receipt, invoice"})
        assert created.status_code == 201, created.text
        record = wait_record(client, created.json(), within_s=240)
        assert record["status"] == "completed", record["error"]
        assert record["candidateTypes"] == ["receipt", "invoice"]
        parts = record["parts"]
        assert [(p["type"], p["startPage"], p["endPage"]) for p in parts] == [
            ("receipt", 1, 1),
            ("invoice", 2, 2),
            ("unknown", 3, 3),
        ]
        assert [p["id"] for p in parts] == [f"{record['id']}-{n}" for n in (1, 2, 3)]
        assert parts[0]["templateId"] == "receipt" and parts[1]["templateName"] == "Invoice"
        assert parts[0]["processingResult"]["total"] == pytest.approx(receipt.truth["total"])
        assert parts[1]["processingResult"]["invoiceNumber"] == invoice.truth["invoiceNumber"]
        assert parts[2]["processingResult"] is None and parts[2]["templateId"] is None
        for part in parts:
            assert 0.5 <= part["classificationConfidence"] <= 1
            assert set(part["scores"]) == {"receipt", "invoice"}
        assert record["templateId"] is None and record["classificationConfidence"] is None  # several documents

        exported = client.get(f"/v1/openapi/batch/{created.json()['id']}/export", params={"format": "csv"})
        assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    names = [next(v for k, v in row.items() if k and "file" in k.lower()) for row in rows]
    assert names == ["scans.pdf (page 1)", "scans.pdf (page 2)", "scans.pdf (page 3)"]
    assert rows[1].get("invoiceNumber") == invoice.truth["invoiceNumber"]


def test_a_single_receipt_uploaded_with_template_ids_is_read_with_the_receipt_template(local_stack):
    receipt = _receipt()
    with local_stack.client() as client:
        files = [("files", (receipt.path.name, receipt.data, "image/jpeg"))]
        created = client.post("/v1/openapi/batch/upload", files=files, data={"templateIds": '["invoice", "receipt"]'})
        assert created.status_code == 201, created.text
        record = wait_record(client, created.json(), within_s=180)
    assert record["status"] == "completed", record["error"]
    assert (record["templateId"], record["templateName"]) == ("receipt", "Receipt")
    assert record["processingResult"]["total"] == pytest.approx(receipt.truth["total"])
    assert record["classificationConfidence"] >= 0.5
    assert [p["type"] for p in record["parts"]] == ["receipt"]


def test_the_cli_classifies_each_file_among_the_templates_it_names(local_stack, tmp_path):
    import json

    from tests.e2e.test_locales import cli

    receipt = _receipt()
    (tmp_path / receipt.path.name).write_bytes(receipt.data)
    done = cli(local_stack, "submit", str(tmp_path / receipt.path.name), "--classify", "invoice", "receipt", "--json")
    assert done.returncode == 0, done.stderr
    with local_stack.client() as client:
        record = wait_record(client, json.loads(done.stdout), within_s=180)
    assert record["candidateTypes"] == ["invoice", "receipt"] and record["templateId"] == "receipt"


def test_wrong_template_lists_are_400_naming_them_and_nothing_is_stored(local_stack):
    with local_stack.client() as client:
        before = batch_count(client)
        files = [("files", ("a.txt", b"Total 12.00", "text/plain"))]
        assert_400(
            client.post("/v1/openapi/batch/upload", files=files, data={"templateIds": "receipt,no-such-type"}),
            "templateIds: 'no-such-type' names no template of this project",
        )
        assert_400(
            client.post(
                "/v1/openapi/batch/upload", files=files, data={"templateIds": "receipt", "templateId": "invoice"}
            ),
            "give templateId or templateIds, not both",
        )
        assert_400(
            client.post("/v1/openapi/batch/upload", files=files, data={"templateIds": "receipt,receipt"}),
            "templateIds names a template twice",
        )
        assert batch_count(client) == before


def test_sensibles_client_extracts_a_portfolio_by_its_types_and_gets_each_document(sdk, tmp_path):  # noqa: F811
    """`extract(path=…, document_types=[…])` with no document type: the file is a portfolio; `wait_for` gives its
    documents as Sensible lists a portfolio's (zero-based pages, each its type and parsed document)."""
    receipt, invoice = _receipt(), _invoice()
    path = tmp_path / "scans.pdf"
    path.write_bytes(portfolio_pdf())
    request = sdk.extract(path=str(path), document_types=["receipt", "invoice"], document_name="scans.pdf")
    document = sdk.wait_for(request)
    assert document["status"] == "COMPLETE", document
    assert document["types"] == ["receipt", "invoice"]
    found = [(d["documentType"], d["startPage"], d["endPage"]) for d in document["documents"]]
    assert found == [("receipt", 0, 0), ("invoice", 1, 1), ("unknown", 2, 2)]
    assert document["documents"][0]["output"]["parsedDocument"]["total"] == pytest.approx(receipt.truth["total"])
    parsed = document["documents"][1]["output"]["parsedDocument"]
    assert parsed["invoiceNumber"] == invoice.truth["invoiceNumber"]


def test_a_declared_batch_names_docType_or_portfolioDocTypes_not_both(local_stack):
    from tests.e2e.test_sensible import bearer

    with bearer(local_stack) as client:
        both = client.post(
            "/v0/extract/batch",
            json={"documentNames": ["a.pdf"], "docType": "receipt", "portfolioDocTypes": ["receipt", "invoice"]},
        )
        assert both.status_code == 400 and "give docType or portfolioDocTypes, not both" in both.json()["message"]
        unknown = client.post(
            "/v0/extract/batch", json={"documentNames": ["a.pdf"], "portfolioDocTypes": ["receipt", "payslip"]}
        )
        assert unknown.status_code == 400, unknown.text
        assert "portfolioDocTypes: 'payslip' names no template of this project" in unknown.json()["message"]
        fine = client.post("/v0/extract/batch", json={"documentNames": ["a.pdf"], "portfolioDocTypes": ["receipt"]})
        assert fine.status_code == 200, fine.text


def test_sensibles_client_classifies_a_receipt_and_an_invoice_among_the_projects_templates(sdk, local_stack, tmp_path):  # noqa: F811
    """`classify(path=…)` + `wait_for`: the download link answers 404 until the classification is done, then the
    best-fitting template with its score and every template's score, best first (the generic one is no type)."""
    import httpx

    receipt, invoice = _receipt(), _invoice()
    for doc, expected in ((receipt, "receipt"), (invoice, "invoice")):
        path = tmp_path / doc.path.name
        path.write_bytes(doc.data)
        request = sdk.classify(path=str(path))
        assert request["download_link"].startswith(local_stack.url + "/v0/classifications/")
        result = sdk.wait_for(request)
        assert result["document_type"]["id"] == expected, result
        assert result["document_type"]["name"] == expected.capitalize()
        summary = result["classification_summary"]
        assert {entry["id"] for entry in summary} >= {"receipt", "invoice"} and "generic" not in {
            e["id"] for e in summary
        }
        assert summary[0]["id"] == expected and summary[0]["score"] >= summary[-1]["score"]
    forged = httpx.get(request["download_link"].replace("signature=", "signature=0"), timeout=30)
    assert forged.status_code == 403
