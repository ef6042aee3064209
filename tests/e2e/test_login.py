"""Signing in (POST /auth/login) and the REST reference's routes used with the login token; the projects a
caller may use."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from services.gateway import login
from services.gateway.signing import Signer

PASSWORD = "correct horse battery staple"


def create_user(stack, organization_id: str, email: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "services.cli.main", "admin", "--json", "user", "create", organization_id, email],
        input=PASSWORD + "\n",
        env={**os.environ, "OCRBATCH_HOME": str(stack.home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    import json

    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def user(local_stack) -> dict:
    return create_user(local_stack, local_stack.organization_id, "Ada@Example.com")


def sign_in(stack, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{stack.url}/auth/login", json={"email": email, "password": password}, timeout=30)


def test_a_user_signs_in_and_uses_the_token_like_an_api_key(local_stack, user):
    assert user["email"] == "ada@example.com" and "password" not in str(user).lower()
    reply = sign_in(local_stack, "ada@example.com", PASSWORD)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 3600 and body["userId"] == user["id"]
    bearer = {"Authorization": f"Bearer {body['accessToken']}"}
    with httpx.Client(base_url=local_stack.url, headers=bearer, timeout=30) as c:
        projects = c.get("/v1/openapi/projects").json()["data"]
        assert [p["id"] for p in projects] == [local_stack.project_id]
        history = c.get("/processing-history", params={"projectId": local_stack.project_id, "limit": 5})
        assert history.status_code == 200 and set(history.json()) == {"data", "pagination"}
        assert c.get("/processing-history").status_code == 400  # a user acts for the organization: name a project
        templates = c.get("/templates", params={"projectId": local_stack.project_id}).json()["data"]
        assert {"invoice", "receipt"} <= {t["id"] for t in templates}
        created = c.post(
            "/templates",
            params={"projectId": local_stack.project_id},
            json={"name": "By Ada", "fields": [{"name": "n", "rule": {"regex": {"pattern": "No: (\\S+)"}}}]},
        )
        assert created.status_code == 201 and created.json()["name"] == "By Ada"


def test_wrong_passwords_are_refused_alike_and_then_rate_limited(local_stack, user):
    for email, password in (("ada@example.com", "wrong password!"), ("nobody@example.com", PASSWORD)):
        reply = sign_in(local_stack, email, password)
        assert reply.status_code == 401 and reply.json()["message"] == "invalid email or password"
    for _ in range(5):  # OCRBATCH_LOGIN_FAILURES_PER_15_MIN
        assert sign_in(local_stack, "mallory@example.com", "guess guess guess").status_code == 401
    limited = sign_in(local_stack, "mallory@example.com", "guess guess guess")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_a_forged_or_expired_token_is_refused_and_a_disabled_user_loses_access_at_once(local_stack):
    other = create_user(local_stack, local_stack.organization_id, "grace@example.com")
    signer = Signer((local_stack.home / "signing.key").read_text().strip())
    expired = login.issue(signer, other["id"], local_stack.organization_id, ttl_s=-10)
    forged = login.issue(Signer("not the gateway's key"), other["id"], local_stack.organization_id, ttl_s=600)
    for token in (expired, forged):
        reply = httpx.get(
            f"{local_stack.url}/v1/openapi/projects", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert reply.status_code == 401 and "login token" in reply.json()["message"]
    token = sign_in(local_stack, "grace@example.com", PASSWORD).json()["accessToken"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{local_stack.url}/v1/openapi/projects", headers=bearer, timeout=30).status_code == 200
    local_stack.admin("user", "disable", other["id"])
    assert httpx.get(f"{local_stack.url}/v1/openapi/projects", headers=bearer, timeout=30).status_code == 401
    assert sign_in(local_stack, "grace@example.com", PASSWORD).status_code == 401
    listed = local_stack.admin("user", "list", local_stack.organization_id)["data"]
    disabled = {u["email"]: "disabledAt" in u for u in listed}  # other tests' users may be there too
    assert (disabled["ada@example.com"], disabled["grace@example.com"]) == (False, True)
