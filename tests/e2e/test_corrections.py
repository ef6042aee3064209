"""People's corrections as a user makes and sees them, through the whole stack: PATCH a record's fields and
approve it, the values validated by type, what the record, its log, its exports and the stats show after, a
retry that keeps or discards them — and the next document of the same issuer read with what they taught,
in that project only."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.documents import corrupt_pdf_bytes, text_pdf_bytes

ISSUER_HEADER = [  # a shop whose name is only in its logo: the text starts with its address
    "No. 12, Jalan Mawar 3, Taman Sri Mawar",
    "43000 Kajang, Selangor",
    "GST ID: 001234567890",
    "TEL: 03-8736 1234",
    "TAX INVOICE",
]
SHOP = "Kedai Runcit Mawar"


def receipt(
    items: list[str], total: str, cash: str, change: str | None, date: str, header: list[str] = ISSUER_HEADER
) -> bytes:
    paid = [f"CASH   {cash}"] + ([f"CHANGE   {change}"] if change else [])
    return text_pdf_bytes([[*header, f"Date: {date}   Time: 14:05", *items, f"TOTAL   {total}", *paid]])


# another shop, whose receipts only the learning test corrects (the others correct FIRST's)
LEARNING_HEADER = [
    "Lot 7, Jalan Cempaka 2, Bandar Baru Bangi",
    "43650 Bangi, Selangor",
    "GST ID: 009876543210",
    "TEL: 03-8925 5555",
    "TAX INVOICE",
]
LEARNED_SHOP = "Cempaka Mini Market"
FIRST = receipt(["Sabun Mandi 2 x 3.50   7.00", "Beras 5kg   18.90"], "25.90", "50.00", "24.10", "12/03/2019")
# …whose till prints no change line, so the amount paid reads as the total: a mistake made on every receipt
LEARNING_FIRST = receipt(
    ["Sabun Mandi 2 x 3.50   7.00", "Beras 5kg   18.90"], "25.90", "50.00", None, "12/03/2019", LEARNING_HEADER
)
LEARNING_SECOND = receipt(
    ["Minyak Masak   12.40", "Gula 1kg   2.90", "Teh   5.10"], "20.40", "30.00", None, "14/03/2019", LEARNING_HEADER
)


def upload(client: httpx.Client, name: str, data: bytes, **params: str) -> dict:
    files = [("files", (name, data, "application/pdf"))]
    reply = client.post("/v1/openapi/batch/upload", files=files, data={"templateId": "receipt", **params})
    assert reply.status_code == 201, reply.text
    return reply.json()


def wait_record(client: httpx.Client, record_id: str, *, params: dict | None = None, within_s: float = 120) -> dict:
    """The record once it is final again (what a client polling the API sees)."""
    deadline = time.monotonic() + within_s
    while True:
        record = client.get(f"/v1/openapi/processing-history/{record_id}", params=params or {}).json()
        if record["status"] in ("completed", "failed"):
            return record
        assert time.monotonic() < deadline, f"record {record_id} never finished: {record['status']}"
        time.sleep(0.3)


def first_record(client: httpx.Client, data: bytes, name: str, **params: str) -> dict:
    batch = upload(client, name, data, **params)
    return wait_record(client, batch["processingHistoryIds"][0], params=params)


def assert_400(reply: httpx.Response, fragment: str) -> None:
    assert reply.status_code == 400, reply.text
    assert fragment in reply.json()["message"], reply.json()


def test_bad_corrections_are_400_naming_the_field_and_change_nothing(local_stack):
    with local_stack.client() as client:
        record = first_record(client, FIRST, "bad.pdf")
        path = f"/v1/openapi/processing-history/{record['id']}"
        assert_400(
            client.patch(path, json={"fields": {"totl": 1}}), "fields.totl: not a field of the record's template"
        )
        assert_400(client.patch(path, json={"fields": {"total": "twelve"}}), "fields.total: expected a number")
        assert_400(
            client.patch(path, json={"fields": {"date": "12/03/2019"}}), "fields.date: expected a date as YYYY-MM-DD"
        )
        assert_400(client.patch(path, json={"fields": {"currency": "EURO"}}), "fields.currency: expected an ISO 4217")
        assert_400(client.patch(path, json={"fields": {"items": {"a": 1}}}), "fields.items: expected a list of rows")
        assert_400(client.patch(path, json={}), "nothing to do")
        assert client.patch(path, json={"fields": {}, "other": 1}).status_code == 400  # unknown keys are refused
        assert client.get(path).json()["processingResult"] == record["processingResult"]
        assert client.get(f"{path}/corrections").json() == {"data": []}

        failed = first_record(client, corrupt_pdf_bytes(), "broken.pdf")
        assert failed["status"] == "failed"
        refused = client.patch(f"/v1/openapi/processing-history/{failed['id']}", json={"approve": True})
        assert_400(refused, "only completed records can be corrected; this one is failed")
        assert (
            client.patch("/v1/openapi/processing-history/0123456789abcdef01234567", json={"approve": True}).status_code
            == 404
        )


def test_a_correction_is_what_the_record_its_exports_and_the_stats_show_and_its_log_says_who(local_stack):
    with local_stack.client() as client:
        record = first_record(client, FIRST, "fix.pdf")
        extracted = record["processingResult"]
        assert record["needsReview"]  # no name on the page: the merchant is not found with confidence
        before = client.get("/v1/openapi/processing-history/stats").json()

        path = f"/v1/openapi/processing-history/{record['id']}"
        fixed = client.patch(
            path, json={"fields": {"total": "25,95", "date": "2019-03-13", "merchant": SHOP}, "approve": True}
        )
        assert fixed.status_code == 200, fixed.text
        body = fixed.json()
        assert body["processingResult"]["total"] == 25.95
        order = [f["name"] for f in client.get("/v1/openapi/templates/receipt").json()["fields"]]
        assert list(body["processingResult"]) == list(body["fieldDetails"]) == order  # the template's order
        assert (body["processingResult"]["date"], body["processingResult"]["merchant"]) == ("2019-03-13", SHOP)
        assert body["processingResult"]["currency"] == extracted["currency"]  # what was not corrected stays
        total = body["fieldDetails"]["total"]
        assert (total["value"], total["source"], total["extracted"], total["confidence"]) == (
            25.95,
            "correction",
            extracted["total"],
            1.0,
        )
        assert total["correctedBy"].startswith(("user:", "apiKey:")) and total["correctedAt"]
        assert body["fieldDetails"]["merchant"]["box"] is None  # the page prints no such name
        assert not body["needsReview"] and body["reviewedAt"] and body["reviewedBy"] == total["correctedBy"]

        again = client.get(path).json()
        assert (
            again["processingResult"] == body["processingResult"]
            and again["fieldDetails"]["total"]["source"] == "correction"
        )
        log = client.get(f"{path}/corrections").json()["data"]
        assert [(c["kind"], c["field"]) for c in log] == [
            ("correction", "merchant"),
            ("correction", "date"),
            ("correction", "total"),
            ("approval", None),
        ]
        assert (log[2]["old"], log[2]["new"], log[2]["by"]) == (extracted["total"], 25.95, total["correctedBy"])

        after = client.get("/v1/openapi/processing-history/stats").json()
        assert after["needsReview"] == before["needsReview"] - 1
        waiting = client.get("/v1/openapi/processing-history", params={"needsReview": "true", "limit": 100}).json()
        assert record["id"] not in [r["id"] for r in waiting["data"]]

        exported = client.get(f"{path}/result", params={"format": "csv"})
        row = next(csv.DictReader(io.StringIO(exported.text)))
        assert (row["total"], row["merchant"]) == ("25.95", SHOP)
        assert (
            json.loads(client.get(f"{path}/result", params={"format": "json"}).text)["processingResult"]["total"]
            == 25.95
        )
        batch_export = client.get(f"/v1/openapi/batch/{record['batchId']}/export", params={"format": "json"})
        assert SHOP in batch_export.text and "25.95" in batch_export.text

        # the organization API and the REST reference's route take the same PATCH
        org = local_stack.organization_id
        approved = client.patch(f"/batch/{org}/processing-history/{record['id']}", json={"approve": True})
        assert approved.status_code == 200 and approved.json()["processingResult"]["total"] == 25.95
        assert client.patch(f"/processing-history/{record['id']}", json={"fields": {"total": 25.95}}).status_code == 200


def test_a_retry_keeps_the_corrections_unless_they_are_discarded(local_stack):
    with local_stack.client() as client:
        record = first_record(client, FIRST, "retry.pdf")
        path = f"/v1/openapi/processing-history/{record['id']}"
        assert client.patch(path, json={"fields": {"total": 26}}).status_code == 200

        assert client.post(f"{path}/retry").status_code == 200
        kept = wait_record(client, record["id"])
        assert (
            kept["processingResult"]["total"] == 26
            and kept["fieldDetails"]["total"]["extracted"] == record["processingResult"]["total"]
        )

        assert client.post(f"{path}/retry", params={"discardCorrections": "true"}).status_code == 200
        read_again = wait_record(client, record["id"])
        assert read_again["processingResult"]["total"] == record["processingResult"]["total"]
        assert "source" not in read_again["fieldDetails"]["total"]
        kinds = [(c["kind"], c["field"]) for c in client.get(f"{path}/corrections").json()["data"]]
        assert kinds == [("correction", "total"), ("discarded", "total")]


def test_another_organizations_record_cannot_be_corrected_or_read(local_stack):
    org = local_stack.admin("org", "create", "Corrections tenant", "--credits", "5")
    project = local_stack.admin("project", "create", org["id"], "Own")
    key = local_stack.admin("key", "create", org["id"], "--name", "org-wide")["secret"]
    with local_stack.client() as client:
        record = first_record(client, FIRST, "mine.pdf")
    with httpx.Client(base_url=local_stack.url, headers={"X-API-Key": key}, timeout=60) as stranger:
        path = f"/v1/openapi/processing-history/{record['id']}"
        params = {"projectId": project["id"]}
        assert stranger.patch(path, params=params, json={"fields": {"total": 1}}).status_code == 401
        assert stranger.get(f"{path}/corrections", params=params).status_code == 401


def cli(stack, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH_")}
    env |= {"OCRBATCH_HOME": str(stack.home), "XDG_CONFIG_HOME": str(stack.home / "no-config")}
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cli_corrects_approves_and_lists_the_changes(local_stack):
    with local_stack.client() as client:
        record = first_record(client, FIRST, "cli.pdf")
    done = cli(local_stack, "history", "correct", record["id"], "total=25,90", "merchant=" + SHOP, "--approve")
    assert done.returncode == 0, done.stderr
    assert f'total=25.9, merchant="{SHOP}"; approved' in done.stdout
    wrong = cli(local_stack, "history", "correct", record["id"], "total=abc")
    assert wrong.returncode == 2 and "400: fields.total: expected a number" in wrong.stderr
    listed = cli(local_stack, "history", "corrections", record["id"])
    assert listed.returncode == 0 and "correction total:" in listed.stdout and "approval" in listed.stdout


@pytest.fixture(scope="module")
def two_projects(local_stack):
    """An organization of its own with two projects, and an organization key that can name either."""
    org = local_stack.admin("org", "create", "Learning tenant", "--credits", "20")
    first = local_stack.admin("project", "create", org["id"], "Shop receipts")
    second = local_stack.admin("project", "create", org["id"], "Other shop receipts")
    key = local_stack.admin("key", "create", org["id"], "--name", "both projects")["secret"]
    return first["id"], second["id"], key


def test_the_next_receipt_of_the_issuer_comes_out_right_in_that_project_only(local_stack, two_projects):
    own_project, other_project, key = two_projects
    with httpx.Client(base_url=local_stack.url, headers={"X-API-Key": key}, timeout=120) as client:
        mine = {"projectId": own_project}
        first = first_record(client, LEARNING_FIRST, "first.pdf", **mine)
        assert first["processingResult"]["merchant"] != LEARNED_SHOP  # the page prints its name in no text
        assert first["processingResult"]["total"] == 50.0  # the cash paid
        fixed = client.patch(
            f"/v1/openapi/processing-history/{first['id']}",
            params=mine,
            json={"fields": {"merchant": LEARNED_SHOP, "total": 25.90}, "approve": True},
        )
        assert fixed.status_code == 200, fixed.text

        second = first_record(client, LEARNING_SECOND, "second.pdf", **mine)
        merchant = second["fieldDetails"]["merchant"]
        assert merchant["value"] == LEARNED_SHOP and second["processingResult"]["merchant"] == LEARNED_SHOP
        assert merchant["candidate"]["how"] == "learned" and merchant["box"] is None
        assert any("a person corrected" in why for why in merchant["candidate"]["why"]), merchant["candidate"]["why"]
        total = second["fieldDetails"]["total"]
        assert total["value"] == 20.40 and total["candidate"]["label"] == "Total"  # not the cash paid again
        assert "a person" in total["candidate"]["why"][0]  # what was taught is the first reason
        assert 30.0 in [a["value"] for a in total["alternatives"]]  # the cash paid is still offered
        assert second["processingResult"]["date"] == "2019-03-14"  # the rest is read as before

        elsewhere = first_record(client, LEARNING_SECOND, "second.pdf", projectId=other_project)
        assert elsewhere["processingResult"]["merchant"] != LEARNED_SHOP  # another project learned nothing
        assert elsewhere["processingResult"]["total"] == 30.0

    with local_stack.client() as another_organization:  # the stack's own organization learned nothing either
        theirs = first_record(another_organization, LEARNING_SECOND, "second.pdf")
        assert theirs["processingResult"]["merchant"] != LEARNED_SHOP and theirs["processingResult"]["total"] == 30.0

    with httpx.Client(base_url=local_stack.url, headers={"X-API-Key": key}, timeout=120) as client:
        # deleting the corrected record's batch deletes what it taught
        assert client.delete(f"/v1/openapi/batch/{first['batchId']}", params=mine).status_code == 200
        after_delete = first_record(client, LEARNING_SECOND, "third.pdf", **mine)
        assert after_delete["processingResult"]["merchant"] != LEARNED_SHOP
        assert after_delete["processingResult"]["total"] == 30.0
