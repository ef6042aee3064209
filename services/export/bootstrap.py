"""Wires the export service: a channel to the batch service and the ExportService servicer."""

from __future__ import annotations

import contextlib
import logging

import grpc

from ocrbatch.v1 import batch_pb2_grpc, export_pb2, export_pb2_grpc, jobs_pb2_grpc
from services.common.grpc_runtime import new_channel, new_server, set_serving, stop_event_on_signals
from services.common.metrics import serve_metrics
from services.common.telemetry import init_tracing
from services.export.servicer import ExportServicer
from services.export.settings import ExportSettings

log = logging.getLogger(__name__)
SERVICE_NAMES = [export_pb2.DESCRIPTOR.services_by_name["ExportService"].full_name]


def create_server(
    settings: ExportSettings,
    batches: batch_pb2_grpc.BatchServiceStub,
    files: jobs_pb2_grpc.JobFileServiceStub | None = None,
) -> tuple[grpc.aio.Server, object, int]:
    """The export server; `files` (the batch service's JobFileService) gives the uploads a searchable PDF shows."""
    server, health = new_server(SERVICE_NAMES)
    export_pb2_grpc.add_ExportServiceServicer_to_server(
        ExportServicer(batches, settings.export_chunk_bytes, settings.pdf_font, files), server
    )
    port = server.add_insecure_port(f"{settings.export_host}:{settings.export_port}")
    return server, health, port


async def serve(settings: ExportSettings) -> None:
    stop = stop_event_on_signals()
    async with contextlib.AsyncExitStack() as stack:
        provider = init_tracing("ocrbatch-export", settings.otel_exporter, settings.otel_endpoint)
        stack.callback(provider.shutdown)
        serve_metrics(settings.metrics_port, settings.metrics_host)
        channel = new_channel(settings.batch_target)
        stack.push_async_callback(channel.close)
        server, health, port = create_server(
            settings, batch_pb2_grpc.BatchServiceStub(channel), jobs_pb2_grpc.JobFileServiceStub(channel)
        )
        await server.start()
        await channel.channel_ready()
        await set_serving(health, SERVICE_NAMES, True)
        log.info("export service listening on %s:%d", settings.export_host, port)
        await stop.wait()
        await set_serving(health, SERVICE_NAMES, False)
        await server.stop(settings.grace_period_s)
