"""/docs and /redoc work without the internet: every asset comes from the gateway; the OpenAPI document
has both ways to authenticate, multipart upload bodies, the error format and the webhooks."""

from __future__ import annotations

import re

import httpx


def test_docs_and_redoc_load_every_asset_from_the_gateway(local_stack):
    for page in ("/docs", "/redoc"):
        html = httpx.get(local_stack.url + page, timeout=30)
        assert html.status_code == 200
        assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
        assert assets and all(a.startswith("/docs-assets/") for a in assets), assets  # nothing from a CDN
        for asset in assets:
            reply = httpx.get(local_stack.url + asset, timeout=30)
            assert reply.status_code == 200 and len(reply.content) > 1000, asset


def test_the_openapi_document_says_what_the_api_does(local_stack):
    spec = httpx.get(local_stack.url + "/openapi.json", timeout=30).json()
    text = str(spec)
    assert "422" not in spec["paths"]["/v1/openapi/batch"]["get"]["responses"] and "HTTPValidationError" not in text
    schemes = spec["components"]["securitySchemes"]
    assert schemes["APIKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "an API key, ocr_…",
    }
    assert schemes["HTTPBearer"]["scheme"] == "bearer"
    upload = spec["paths"]["/v1/openapi/batch/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    single = spec["paths"]["/upload/{orgId}/file"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert single["schema"]["properties"]["file"]["format"] == "binary"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)
    assert set(spec["components"]["schemas"]["Error"]["properties"]) == {"statusCode", "message", "error"}
    assert set(spec["webhooks"]) == {"batch.uploaded", "batch.completed"}
    assert "/v1/ws" in spec["info"]["description"]
