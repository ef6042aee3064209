"""API documentation that works offline: Swagger UI and ReDoc served from the gateway (their files ship in
the fastapi-offline wheel), and an OpenAPI document that says what the API really does — the error format
{statusCode, message, error} (never FastAPI's 422 schema, which the API does not send), the two ways to
authenticate, multipart upload bodies, the WebSocket and the webhooks."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

ASSETS = "/docs-assets"
ERROR = {"$ref": "#/components/schemas/Error"}
DESCRIPTION = """Batch document OCR and data extraction.

**Authentication**: an API key as `X-API-Key: ocr_…` or `Authorization: Bearer ocr_…`, or a login token from
`POST /auth/login` as `Authorization: Bearer …`. Use **Authorize** above to try the routes.

**Errors** always have the body `{"statusCode": 400, "message": "…", "error": "Bad Request"}`; 429 and 503
carry `Retry-After`.

**Idempotency-Key**: the requests that create (uploads, Sensible-style batches, upload-URL ranges and
single-document extractions, webhooks, templates) take an `Idempotency-Key` header: sent again with the same key
and request within 24 hours, they answer as the first time (`Idempotent-Replayed: true`, no second charge); another
request under the key → 422; while the first still runs → 409.

**Live progress**: a WebSocket at `/v1/ws` (key as `X-API-Key` or `?apiKey=`). Send
`{"action": "subscribe", "batchId": "…"}`; receive `{"event": "subscribed", batchId, totalFiles,
completedFiles, failedFiles, progress, status}`, then `{"event": "batch_progress_updated", …}` at every change,
`{"event": "record_progress_updated", batchId, recordId, pagesDone, pagesTotal}` while a document of several pages
is read, or `{"event": "error", message}`.

**Webhooks**: see *Webhooks* below — `batch.uploaded` and `batch.completed`, signed as the Standard
Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256
of "id.timestamp.body">`, secret `whsec_…`)."""

STATUS_TEXT = {
    400: "Bad input (the message says which)",
    401: "Missing, invalid or revoked credentials, or a resource of another organization",
    402: "Not enough credits",
    403: "A signed link that is forged, expired or used",
    404: "Not found",
    413: "Too large",
    429: "Too many requests (Retry-After)",
    500: "Internal error",
    503: "A backend service is unavailable (Retry-After)",
}


class Error(BaseModel):
    statusCode: int  # noqa: N815 (the documented field names)
    message: str
    error: str


class WebhookEvent(BaseModel):
    """The body of every webhook request."""

    type: str  # batch.uploaded | batch.completed
    timestamp: str
    data: dict[str, Any]  # the batch as GET /v1/openapi/batch/{id} shows it


def multipart(file_field: str, many: bool, fields: dict[str, str]) -> dict[str, Any]:
    """`openapi_extra` for an upload route whose form the gateway streams itself."""
    file_schema: dict[str, Any] = {"type": "string", "format": "binary"}
    properties: dict[str, Any] = {
        file_field: {"type": "array", "items": file_schema, "maxItems": 50} if many else file_schema
    }
    properties |= {name: {"type": "string", "description": text} for name, text in fields.items()}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": properties, "required": [file_field]}
                }
            },
        }
    }


def _document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=DESCRIPTION,
        routes=app.routes,
        webhooks=app.webhooks.routes,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = Error.model_json_schema()
    for operations in [*schema.get("paths", {}).values(), *schema.get("webhooks", {}).values()]:
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # FastAPI's validation errors are answered as 400 in our format
            secured = bool(operation.get("security"))
            wanted = [400, 500] + ([401, 429, 503] if secured else [])
            for code in wanted:
                responses.setdefault(str(code), {"description": STATUS_TEXT[code]})
            for code, response in responses.items():
                if code.isdigit() and int(code) >= 400:
                    response.setdefault("description", STATUS_TEXT.get(int(code), "Error"))
                    response["content"] = {"application/json": {"schema": ERROR}}
    return schema


def install(app: FastAPI) -> None:
    """Docs at /docs and /redoc from the gateway's own files; the OpenAPI document as above."""
    static = files("fastapi_offline") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(static)), name="docs-assets")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title} — API",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    @app.webhooks.post("batch.uploaded", summary="Every file of a batch was received and queued")
    def batch_uploaded(body: WebhookEvent) -> None: ...

    @app.webhooks.post("batch.completed", summary="A batch reached completed, partially_failed or failed")
    def batch_completed(body: WebhookEvent) -> None: ...
