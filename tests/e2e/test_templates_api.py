"""Templates over REST: built-ins listed, custom ones created, validated, used, replaced and deleted."""

from __future__ import annotations

import time

CUSTOM = {
    "name": "Purchase orders",
    "resultFormat": "csv",
    "fields": [
        {"name": "orderNumber", "rule": {"regex": {"pattern": "PO[- ]?(\\d+)"}}},
        {"name": "total", "type": "money", "rule": {"label": {"labels": ["Total"]}}},
        {"name": "orderDate", "type": "date", "rule": {"label": {"labels": ["Order date"]}}},
    ],
}


def test_builtin_templates_are_listed(local_stack):
    with local_stack.client() as client:
        data = client.get("/v1/openapi/templates").json()["data"]
    builtins = {t["id"]: t for t in data if t["builtin"]}
    assert set(builtins) == {"invoice", "receipt", "generic"}
    assert [f["name"] for f in builtins["invoice"]["fields"]] == [
        "invoiceNumber",
        "invoiceDate",
        "vendor",
        "issuerLegalName",
        "totalAmount",
        "currency",
        "lineItems",
    ]
    currency = next(f for f in builtins["receipt"]["fields"] if f["name"] == "currency")
    assert (currency["type"], currency["optional"]) == ("currency", True)


def test_a_custom_template_extracts_from_an_upload_and_sets_the_result_format(local_stack):
    with local_stack.client() as client:
        created = client.post("/v1/openapi/templates", json=CUSTOM)
        assert created.status_code == 201, created.text
        template = created.json()
        assert template["name"] == "Purchase orders" and template["resultFormat"] == "csv"
        note = b"Purchase order PO-4711\nOrder date: 2 April 2026\nTotal: 1.234,56 EUR\n"
        batch = client.post(
            "/v1/openapi/batch/upload",
            files=[("files", ("po.txt", note, "text/plain"))],
            data={"templateId": template["id"]},
        ).json()
        assert batch["templateName"] == "Purchase orders"
        record_id = batch["processingHistoryIds"][0]
        for _ in range(100):
            record = client.get(f"/v1/openapi/processing-history/{record_id}").json()
            if record["status"] == "completed":
                break
            time.sleep(0.2)
        assert record["processingResult"] == {"orderNumber": "4711", "total": 1234.56, "orderDate": "2026-04-02"}
        result = client.get(f"/v1/openapi/processing-history/{record_id}/result")  # the template's format: csv
        assert result.headers["content-type"].startswith("text/csv") and "4711" in result.text

        replaced = client.put(f"/v1/openapi/templates/{template['id']}", json={**CUSTOM, "name": "POs"})
        assert replaced.status_code == 200 and replaced.json()["name"] == "POs"
        assert client.get(f"/v1/openapi/templates/{template['id']}").json()["name"] == "POs"
        assert client.delete(f"/v1/openapi/templates/{template['id']}").status_code == 200
        gone = client.get(f"/v1/openapi/templates/{template['id']}")
        assert gone.status_code == 404 and gone.json()["statusCode"] == 404


def test_invalid_templates_are_400_naming_the_field(local_stack):
    bad_regex = {"name": "x", "fields": [{"name": "total", "rule": {"regex": {"pattern": "Total \\d+"}}}]}
    unknown_key = {"name": "x", "fields": [{"name": "a", "colour": "red"}]}
    with local_stack.client() as client:
        reply = client.post("/v1/openapi/templates", json=bad_regex)
        assert reply.status_code == 400 and "fields[0] (total).rule.regex.pattern" in reply.json()["message"]
        reply = client.post("/v1/openapi/templates", json=unknown_key)
        assert reply.status_code == 400 and "colour" in reply.json()["message"]
        reply = client.post("/v1/openapi/templates", json={"fields": []})
        assert reply.status_code == 400 and reply.json()["message"].startswith("name")
        builtin = client.delete("/v1/openapi/templates/invoice")
        assert builtin.status_code == 400 and "built-in" in builtin.json()["message"]
        unknown = client.post(
            "/v1/openapi/batch/upload", files=[("files", ("a.txt", b"x"))], data={"templateId": "nope"}
        )
        assert unknown.status_code == 400 and "templateId" in unknown.json()["message"]
