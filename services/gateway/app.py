"""The gateway's FastAPI application: routes, error format, tracing middleware, health endpoints."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import metrics
from services.common.connect import connect_nats
from services.gateway import openapi
from services.gateway.clients import Backends
from services.gateway.errors import install_error_handlers
from services.gateway.idempotency import IdempotencyMiddleware
from services.gateway.ratelimit import RateLimiter
from services.gateway.routes import account, batches, files, live, records, sensible, templates, webhooks
from services.gateway.settings import GatewaySettings
from services.gateway.signing import Signer
from services.gateway.uploads import MULTIPART_OVERHEAD_BYTES

tracer = trace.get_tracer(__name__)
CONSOLE = Path(__file__).resolve().parent / "console"  # the web console: static files, no build step
UNTRACED = ("/healthz", "/readyz", "/metrics")


class TracingMiddleware:
    """One server span per HTTP request, as plain ASGI: a response body that fails half-way still reaches
    the server as a failure (the connection is cut), where Starlette's BaseHTTPMiddleware would end it as
    if it were complete."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in UNTRACED:
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        with tracer.start_as_current_span(f"{scope['method']} {scope['path']}", kind=trace.SpanKind.SERVER) as span:

            async def traced_send(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    span.set_attribute("http.status_code", status)
                await send(message)

            try:
                await self.app(scope, receive, traced_send)
            finally:
                route = getattr(scope.get("route"), "path", "unmatched")  # the template: bounded label values
                metrics.HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
                metrics.HTTP_SECONDS.labels(scope["method"], route).observe(time.perf_counter() - started)


def create_app(settings: GatewaySettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.backends = Backends.connect(settings.batch_target, settings.export_target)
        app.state.nats = await connect_nats(settings.nats_url, "ocrbatch-gateway")  # live progress events
        try:
            yield
        finally:
            await app.state.nats.drain()
            await app.state.backends.close()

    app = FastAPI(title="ocrbatch", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.signer = Signer(settings.signing_key)
    install_error_handlers(app)
    app.include_router(batches.router)
    app.include_router(records.org_router)  # before /batch/{orgId}/{batchId}, which would take its paths
    app.include_router(batches.org_router)
    app.include_router(batches.file_router)
    app.include_router(records.router)
    app.include_router(templates.router)
    app.include_router(live.router)
    app.include_router(files.router)
    app.include_router(account.router)
    app.include_router(sensible.router)
    app.include_router(webhooks.router)
    app.include_router(webhooks.org_router)
    app.include_router(records.rest_router)
    app.include_router(templates.rest_router)

    openapi.install(app)
    app.mount("/console", StaticFiles(directory=str(CONSOLE), html=True), name="console")

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/console/")

    # a request sent again under its Idempotency-Key is answered as the first was (inside the tracing, so traced)
    app.add_middleware(
        IdempotencyMiddleware, max_body_bytes=int(settings.max_upload_mb * 1024 * 1024) + MULTIPART_OVERHEAD_BYTES
    )
    app.add_middleware(TracingMiddleware)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        backends = await request.app.state.backends.ready()
        ok = all(backends.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "backends": backends}, status_code=200 if ok else 503
        )

    return app
