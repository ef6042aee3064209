"""gRPC server plumbing shared by the services: health, reflection, tracing, graceful stop on signals."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.common.telemetry import grpc_client_interceptors, grpc_server_interceptors

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
_MESSAGE_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]
# A client reconnects within about a second of its server coming back (gRPC's default backoff grows to
# two minutes), and notices a dead peer within seconds rather than at the next call's deadline.
_CHANNEL_OPTIONS = [
    *_MESSAGE_OPTIONS,
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.keepalive_time_ms", 10_000),
    ("grpc.keepalive_timeout_ms", 5_000),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
]


def new_server(service_names: Iterable[str]) -> tuple[grpc.aio.Server, health.aio.HealthServicer]:
    """A server with tracing, reflection and a health servicer that starts NOT_SERVING."""
    server = grpc.aio.server(
        interceptors=grpc_server_interceptors(),
        options=[
            *_MESSAGE_OPTIONS,
            ("grpc.keepalive_permit_without_calls", 1),  # the clients' keepalive pings are welcome
            ("grpc.http2.min_ping_interval_without_data_ms", 5_000),
        ],
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = list(service_names)
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    return server, health_servicer


async def set_serving(health_servicer: health.aio.HealthServicer, names: Iterable[str], serving: bool) -> None:
    status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
    for name in ["", *names]:
        await health_servicer.set(name, status)


def new_channel(target: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(target, options=_CHANNEL_OPTIONS, interceptors=grpc_client_interceptors())


def stop_event_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT: the start of every service's graceful stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
