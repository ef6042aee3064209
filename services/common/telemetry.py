"""OpenTelemetry set-up: one tracer provider per process, gRPC interceptors, trace context in NATS headers."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import grpc
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.grpc import aio_client_interceptors, aio_server_interceptor, filters
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)


class JsonLinesSpanExporter(SpanExporter):
    """Appends one JSON line per finished span to a file (tests follow a trace across processes with it)."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for span in spans:
            ctx = span.get_span_context()
            if ctx is None:
                continue
            lines.append(
                json.dumps(
                    {
                        "name": span.name,
                        "service": span.resource.attributes.get("service.name"),
                        "trace_id": format(ctx.trace_id, "032x"),
                        "span_id": format(ctx.span_id, "016x"),
                        "parent_id": format(span.parent.span_id, "016x") if span.parent else None,
                        "kind": span.kind.name,
                    }
                )
            )
        with self._lock, self._path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS


def _exporter(spec: str, endpoint: str) -> SpanExporter | None:
    if spec in ("", "none"):
        return None
    if spec == "console":
        return ConsoleSpanExporter()
    if spec == "otlp":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(endpoint=endpoint, insecure=endpoint.startswith("http://"))
    if spec.startswith("file:"):
        return JsonLinesSpanExporter(spec.removeprefix("file:"))
    raise ValueError(f"unknown OCRBATCH_OTEL_EXPORTER {spec!r}: use none, console, otlp or file:<path>")


def init_tracing(service_name: str, exporter: str = "none", endpoint: str = "") -> TracerProvider:
    """Installs the global tracer provider for this process and returns it (shut it down on exit)."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    span_exporter = _exporter(exporter, endpoint)
    if span_exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(span_exporter, schedule_delay_millis=500))
    trace.set_tracer_provider(provider)
    return provider


def _not_health(details: grpc.HandlerCallDetails) -> bool:
    return not filters.health_check()(details)


# opentelemetry-instrumentation-grpc's factories carry no type annotations
def grpc_server_interceptors() -> list[grpc.aio.ServerInterceptor]:
    return [aio_server_interceptor(filter_=_not_health)]  # type: ignore[no-untyped-call]


def grpc_client_interceptors() -> list[grpc.aio.ClientInterceptor]:
    return list(aio_client_interceptors(filter_=_not_health))  # type: ignore[no-untyped-call]


def inject_headers(headers: dict[str, str] | None = None) -> dict[str, str]:
    """Adds the current trace context (traceparent) to NATS message headers."""
    carrier = dict(headers or {})
    propagate.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> Context:
    """The trace context a NATS message carried, to parent the consumer's span."""
    return propagate.extract(dict(headers or {}))
