"""Organizations, projects and keys from the CLI; scoping, credits, revocation and rate limits over REST."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.documents import text_pdf_bytes

PDF = text_pdf_bytes([["Invoice No: T-1", "Total: 1.00"]])


@pytest.fixture(scope="module")
def acme(local_stack):
    """A second tenant: organization with 3 credits, a project, a project key and an organization key."""
    org = local_stack.admin("org", "create", "Acme Tenancy", "--credits", "3")
    project = local_stack.admin("project", "create", org["id"], "Invoices")
    project_key = local_stack.admin("key", "create", org["id"], "--project", project["id"], "--name", "ci")
    org_key = local_stack.admin("key", "create", org["id"], "--name", "org-wide")
    return {"org": org, "project": project, "project_key": project_key, "org_key": org_key}


def client(stack, key: str, bearer: bool = False) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if bearer else {"X-API-Key": key}
    return httpx.Client(base_url=stack.url, headers=headers, timeout=60)


def upload(c: httpx.Client, files: int, **data: str) -> httpx.Response:
    return c.post("/v1/openapi/batch/upload", files=[("files", (f"f{i}.pdf", PDF)) for i in range(files)], data=data)


def test_keys_are_shown_once_and_listed_only_by_prefix(local_stack, acme):
    secret = acme["project_key"]["secret"]
    assert secret.startswith("ocr_") and len(secret) > 40
    keys = local_stack.admin("key", "list", acme["org"]["id"])["data"]
    assert {k["prefix"] for k in keys} == {acme["project_key"]["key"]["prefix"], acme["org_key"]["key"]["prefix"]}
    assert all("secret" not in k and secret not in str(k) for k in keys)


def test_a_project_key_implies_its_project_and_refuses_others(local_stack, acme):
    with client(local_stack, acme["project_key"]["secret"], bearer=True) as c:
        assert c.get("/v1/openapi/batch").status_code == 200
        wrong = c.get("/v1/openapi/batch", params={"projectId": local_stack.project_id})
        assert wrong.status_code == 401 and wrong.json()["statusCode"] == 401


def test_an_organization_key_must_name_one_of_its_projects(local_stack, acme):
    with client(local_stack, acme["org_key"]["secret"]) as c:
        missing = c.get("/v1/openapi/batch")
        assert missing.status_code == 400 and "projectId" in missing.json()["message"]
        assert c.get("/v1/openapi/batch", params={"projectId": acme["project"]["id"]}).status_code == 200
        foreign = c.get("/v1/openapi/batch", params={"projectId": local_stack.project_id})
        assert foreign.status_code == 401


def test_another_tenants_batch_record_and_export_are_401_and_its_template_404(local_stack, acme):
    """As the reference says: another organization's batch or record is 401 ("does not belong to the token's
    organization / scope"), an id of nothing 404; a template of another project is simply not there."""
    with local_stack.client() as mine:
        batch = upload(mine, 1).json()
        template = mine.post(
            "/v1/openapi/templates",
            json={"name": "Mine", "fields": [{"name": "n", "rule": {"regex": {"pattern": "No: (\\S+)"}}}]},
        ).json()
    with client(local_stack, acme["project_key"]["secret"]) as theirs:
        record_id = batch["processingHistoryIds"][0]
        for path, message in (
            (f"/v1/openapi/batch/{batch['id']}", "Batch does not belong to the token's organization"),
            (
                f"/v1/openapi/batch/{batch['id']}/export?format=json",
                "Batch does not belong to the token's organization",
            ),
            (f"/v1/openapi/processing-history/{record_id}", "Record does not belong to the token's organization"),
            (
                f"/v1/openapi/processing-history/{record_id}/result",
                "Record does not belong to the token's organization",
            ),
            (f"/v1/openapi/templates/{template['id']}", None),
        ):
            reply = theirs.get(path)
            assert reply.status_code == (404 if message is None else 401), path
            assert message is None or reply.json()["message"] == message
            assert "f0.pdf" not in reply.text and "T-1" not in reply.text  # never any of its data
        assert theirs.delete(f"/v1/openapi/batch/{batch['id']}").status_code == 401
        assert theirs.get("/v1/openapi/batch/6b0490ffe259e5118c08ce76").status_code == 404  # nothing at all
        assert batch["id"] not in theirs.get("/v1/openapi/batch").text


def test_credits_are_charged_per_file_and_a_batch_they_cannot_cover_is_refused_whole(local_stack, acme):
    org_id = acme["org"]["id"]
    with client(local_stack, acme["project_key"]["secret"]) as c:
        before = c.get("/v1/openapi/batch").json()["pagination"]["total"]
        assert upload(c, 2).status_code == 201
        refused = upload(c, 2)  # 1 credit left
        assert refused.status_code == 402 and refused.json()["error"] == "Payment Required"
        assert c.get("/v1/openapi/batch").json()["pagination"]["total"] == before + 1
    assert next(o for o in local_stack.admin("org", "list")["data"] if o["id"] == org_id)["credits"] == "1"


def test_parallel_uploads_never_overdraw_the_balance(local_stack, acme):
    org_id = acme["org"]["id"]
    balance = int(next(o for o in local_stack.admin("org", "list")["data"] if o["id"] == org_id)["credits"])
    local_stack.admin("org", "credits", org_id, str(5 - balance))  # exactly 5 credits

    def attempt(_: int) -> int:
        with client(local_stack, acme["project_key"]["secret"]) as c:
            return upload(c, 2).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(attempt, range(6)))
    assert codes == [201, 201, 402, 402, 402, 402]
    assert next(o for o in local_stack.admin("org", "list")["data"] if o["id"] == org_id)["credits"] == "1"


def test_single_file_upload_on_the_organization_route(local_stack):
    with local_stack.client() as c:
        path = f"/upload/{local_stack.organization_id}/file"
        reply = c.post(path, files={"file": ("raw.bin", PDF)}, data={"fileName": "named.pdf", "fileType": "pdf"})
        assert reply.status_code == 201, reply.text
        body = reply.json()
        assert body["status"] == "uploaded" and body["fileName"] == "named.pdf" and body["batchId"]
        other = c.post("/upload/6b0490ffe259e5118c08ce76/file", files={"file": ("a.pdf", PDF)})
        assert other.status_code == 401


def test_a_revoked_key_fails_at_once(local_stack, acme):
    key = local_stack.admin("key", "create", acme["org"]["id"], "--project", acme["project"]["id"])
    with client(local_stack, key["secret"]) as c:
        assert c.get("/v1/openapi/batch").status_code == 200
        local_stack.admin("key", "revoke", key["key"]["id"])
        revoked = c.get("/v1/openapi/batch")
        assert revoked.status_code == 401 and revoked.json()["message"] == "invalid API key"


def test_too_many_requests_get_429_with_retry_after(local_stack, acme):
    key = local_stack.admin("key", "create", acme["org"]["id"], "--project", acme["project"]["id"])
    limit = 600  # OCRBATCH_RATE_LIMIT_PER_MINUTE's default; the bucket refills 10 a second meanwhile
    with client(local_stack, key["secret"]) as c:
        served = 0
        for _ in range(5 * limit):
            reply = c.get("/v1/openapi/templates")
            if reply.status_code != 200:
                break
            served += 1
        assert served >= limit
        assert reply.status_code == 429 and int(reply.headers["Retry-After"]) >= 1
        assert reply.json() == {
            "statusCode": 429,
            "message": "rate limit exceeded: slow down and retry later",
            "error": "Too Many Requests",
        }
    with local_stack.client() as other:  # other keys are not affected
        assert other.get("/v1/openapi/templates").status_code == 200


def test_the_cli_reports_errors_without_a_traceback(local_stack):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli.main",
            "admin",
            "--batch-target",
            local_stack.info["batchTarget"],
            "project",
            "create",
            "6b0490ffe259e5118c08ce76",
            "Nope",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "error: organization 6b0490ffe259e5118c08ce76 not found"
