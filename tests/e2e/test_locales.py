"""The locale an upload, a template or a project gives, as a user sets and sees it: kept in canonical form
and shown; a wrong one is a 400 naming the field on every route it enters by, and nothing is stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.documents import text_pdf_bytes

PDF = text_pdf_bytes([["Rechnung Nr: L-1", "Summe: 1.234,50"]])
WRONG = "locale: 'xx_1' is not a BCP 47 locale: expected a language with an optional region"
TEMPLATE = {
    "name": "Rechnungen",
    "fields": [{"name": "total", "type": "money", "rule": {"label": {"labels": ["Summe"]}}}],
}


def assert_400(reply: httpx.Response, fragment: str) -> None:
    assert reply.status_code == 400, reply.text
    assert reply.json() == {"statusCode": 400, "message": reply.json()["message"], "error": "Bad Request"}
    assert fragment in reply.json()["message"]


def batch_count(client: httpx.Client) -> int:
    return client.get("/v1/openapi/batch").json()["pagination"]["total"]


def test_a_wrong_locale_is_400_naming_it_on_every_upload_route(local_stack):
    org = local_stack.organization_id
    one = [("files", ("a.pdf", PDF, "application/pdf"))]
    with local_stack.client() as client:
        before = batch_count(client)
        for path in ("/v1/openapi/batch/upload", f"/batch/{org}/upload"):
            assert_400(client.post(path, files=one, data={"locale": "xx_1"}), WRONG)
        single = [("file", ("a.pdf", PDF, "application/pdf"))]
        assert_400(client.post(f"/upload/{org}/file", files=single, data={"locale": "xx_1"}), WRONG)
        declared = {"documentNames": ["a.pdf"], "docType": "invoice", "locale": "xx_1"}
        assert_400(client.post("/v0/extract/batch", json=declared), WRONG)
        assert batch_count(client) == before


def test_a_wrong_template_locale_is_400_naming_it(local_stack):
    with local_stack.client() as client:
        assert_400(client.post("/v1/openapi/templates", json={**TEMPLATE, "locale": "xx_1"}), WRONG)
        created = client.post("/v1/openapi/templates", json=TEMPLATE)
        assert created.status_code == 201 and "locale" not in created.json()  # optional
        replaced = client.put(f"/v1/openapi/templates/{created.json()['id']}", json={**TEMPLATE, "locale": "german"})
        assert_400(replaced, "locale: 'german' is not a BCP 47 locale")


def test_upload_and_template_locales_are_kept_in_canonical_form_and_shown(local_stack):
    org = local_stack.organization_id
    with local_stack.client() as client:
        template = client.post("/v1/openapi/templates", json={**TEMPLATE, "locale": "de_de"})
        assert template.status_code == 201, template.text
        assert template.json()["locale"] == "de-DE"
        assert client.get(f"/v1/openapi/templates/{template.json()['id']}").json()["locale"] == "de-DE"

        files = [("files", ("a.pdf", PDF, "application/pdf"))]
        uploaded = client.post("/v1/openapi/batch/upload", files=files, data={"locale": "en_gb"})
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["locale"] == "en-GB"
        assert client.get(f"/v1/openapi/batch/{uploaded.json()['id']}").json()["locale"] == "en-GB"
        plain = client.post("/v1/openapi/batch/upload", files=files, data={"templateId": template.json()["id"]})
        assert "locale" not in plain.json()  # the batch shows only what its upload gave

        single = client.post(
            f"/upload/{org}/file", files=[("file", ("b.pdf", PDF, "application/pdf"))], data={"locale": "ms-my"}
        )
        assert single.status_code == 201, single.text
        assert client.get(f"/v1/openapi/batch/{single.json()['batchId']}").json()["locale"] == "ms-MY"

        declared = {"documentNames": ["c.pdf"], "docType": "invoice", "locale": "nl_NL"}
        batch_id = client.post("/v0/extract/batch", json=declared).json()
        assert client.get(f"/v1/openapi/batch/{batch_id}").json()["locale"] == "nl-NL"


def cli(stack, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH_")}
    env |= {"OCRBATCH_HOME": str(stack.home), "XDG_CONFIG_HOME": str(stack.home / "no-config")}
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cli_sends_the_upload_locale(local_stack, tmp_path):
    (tmp_path / "a.pdf").write_bytes(PDF)
    done = cli(local_stack, "submit", str(tmp_path / "a.pdf"), "--locale", "en_us", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["locale"] == "en-US"
    wrong = cli(local_stack, "submit", str(tmp_path / "a.pdf"), "--locale", "xx_1")
    assert wrong.returncode == 2 and f"400: {WRONG}" in wrong.stderr


@pytest.fixture(scope="module")
def tenant(local_stack):
    org = local_stack.admin("org", "create", "Locale tenant", "--credits", "5")
    key = local_stack.admin("key", "create", org["id"], "--name", "org-wide")
    return org, key["secret"]


def projects(stack, key: str) -> list[dict]:
    reply = httpx.get(stack.url + "/v1/openapi/projects", headers={"X-API-Key": key}, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def test_a_project_locale_is_set_by_the_admin_cli_and_shown(local_stack, tenant):
    org, key = tenant
    project = local_stack.admin("project", "create", org["id"], "Receipts", "--locale", "en_us")
    assert project["locale"] == "en-US"
    assert [p.get("locale") for p in projects(local_stack, key)] == ["en-US"]

    assert local_stack.admin("project", "update", project["id"], "--locale", "de-DE")["locale"] == "de-DE"
    renamed = local_stack.admin("project", "update", project["id"], "--name", "Belege")
    assert (renamed["name"], renamed["locale"]) == ("Belege", "de-DE")  # what is not given is kept
    assert "locale" not in local_stack.admin("project", "update", project["id"], "--locale", "")
    assert "locale" not in projects(local_stack, key)[0]

    wrong = cli(local_stack, "admin", "project", "create", org["id"], "Other", "--locale", "english")
    assert wrong.returncode == 1 and "locale: 'english' is not a BCP 47 locale" in wrong.stderr


def wait_record(client: httpx.Client, batch: dict, within_s: float = 120) -> dict:
    """The batch's one record once the batch is final (what a client polling the API sees)."""
    deadline = time.monotonic() + within_s
    while client.get(f"/v1/openapi/batch/{batch['id']}").json()["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, f"batch {batch['id']} never finished"
        time.sleep(0.3)
    return client.get(f"/v1/openapi/processing-history/{batch['processingHistoryIds'][0]}").json()


# A receipt whose page says it is American (a state and ZIP code, dollars), printing a date that reads either way
AMERICAN = text_pdf_bytes(
    [
        [
            "JOE'S DINER",
            "233 N Michigan Ave",
            "Chicago, IL 60601",
            "12/2/2022 7:41 PM",
            "1 Burger 9.50",
            "Sales Tax 0.97",
            "TOTAL $10.47",
        ]
    ]
)
# …and one that says nothing of where it is from
UNTOLD = text_pdf_bytes([["CORNER CAFE", "12/2/2022", "1 Coffee 2.50", "TOTAL 2.50"]])


def upload(client: httpx.Client, name: str, data: bytes, **form: str) -> dict:
    files = [("files", (name, data, "application/pdf"))]
    reply = client.post("/v1/openapi/batch/upload", files=files, data={"templateId": "receipt", **form})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_a_date_is_read_as_the_page_or_the_given_locale_says_and_the_record_says_why(local_stack):
    with local_stack.client() as client:
        american = wait_record(client, upload(client, "us.pdf", AMERICAN))
        untold = wait_record(client, upload(client, "cafe.pdf", UNTOLD))
        told = wait_record(client, upload(client, "cafe-us.pdf", UNTOLD, locale="en-US"))

    assert american["processingResult"]["date"] == "2022-12-02"  # month first: the page is American
    assert american["processingResult"]["total"] == 10.47
    assert american["processingResult"]["currency"] == "USD"
    locale = american["fieldDetails"]["date"]["locale"]
    assert (locale["tag"], locale["dateOrder"]) == ("en-US", "mdy")
    assert any("IL 60601" in why or "US" in why for why in locale["why"]), locale["why"]

    assert untold["processingResult"]["date"] == "2022-02-12"  # nothing tells: day first
    assert told["processingResult"]["date"] == "2022-12-02"  # the upload's locale decides
    assert any("upload" in why for why in told["fieldDetails"]["date"]["locale"]["why"])
    winner = american["fieldDetails"]["total"]["candidate"]
    assert winner["why"] and all(why[0] in "+-" for why in winner["why"])  # reasons in words, with their weight
