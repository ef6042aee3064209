"""Wires a worker: OCR engine (checked with one real OCR at start-up), batch-service channel, JetStream consumer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrbatch.v1 import jobs_pb2_grpc
from services.common.connect import connect_nats
from services.common.grpc_runtime import new_channel, new_server, set_serving, stop_event_on_signals
from services.common.jetstream import ensure_topology
from services.common.metrics import serve_metrics
from services.common.telemetry import init_tracing
from services.worker.consuming.engine_use import EngineUse
from services.worker.documents import Limits
from services.worker.engine.port import OcrEngine
from services.worker.engine.qualities import EnginesByQuality
from services.worker.engine.rapidocr_engine import configured_engine
from services.worker.entrypoints.job_consumer import JobConsumer
from services.worker.settings import WorkerSettings

log = logging.getLogger(__name__)
HEALTH_TEXT = "OCR 4217"


def check_engine(engine: OcrEngine) -> float:
    """Runs one real OCR on a rendered line; raises unless the engine reads it back. Returns seconds taken."""
    image = Image.new("RGB", (360, 80), "white")
    ImageDraw.Draw(image).text((16, 16), HEALTH_TEXT, fill="black", font=ImageFont.load_default(size=40))
    started = time.perf_counter()
    lines = engine.recognize(np.asarray(image))
    seen = " ".join(line.text for line in lines)
    if "4217" not in seen:
        raise RuntimeError(f"OCR health check failed: expected {HEALTH_TEXT!r}, read {seen!r}")
    return time.perf_counter() - started


def limits_from(settings: WorkerSettings) -> Limits:
    return Limits(
        max_pages=settings.max_pages,
        max_pixels=int(settings.max_megapixels * 1_000_000),
        pdf_render_dpi=settings.pdf_render_dpi,
        pdf_text_layer_min_chars=settings.pdf_text_layer_min_chars,
        orient_pages=settings.ocr_orientation,
    )


async def serve(settings: WorkerSettings) -> None:
    stop = stop_event_on_signals()
    async with contextlib.AsyncExitStack() as stack:
        provider = init_tracing("ocrbatch-worker", settings.otel_exporter, settings.otel_endpoint)
        stack.callback(provider.shutdown)

        health_server = None
        if settings.worker_health_port:
            health_server, health = new_server([])
            health_server.add_insecure_port(f"{settings.worker_health_host}:{settings.worker_health_port}")
            await health_server.start()
            await set_serving(health, [], False)

        serve_metrics(settings.metrics_port, settings.metrics_host)
        engine_use = EngineUse()  # the consumer counts its jobs reading; the GPU engine's batches wait for them
        engines = await asyncio.to_thread(
            EnginesByQuality,
            lambda quality: configured_engine(settings, quality=quality, readers=lambda: engine_use.jobs_reading),
            settings.ocr_quality,
            max_jobs=settings.engine_max_jobs,
            max_rss_mb=settings.engine_max_rss_mb,
        )
        engine = engines.engine()
        seconds = await asyncio.to_thread(check_engine, engine)
        log.info("OCR engine %s ready (health check read %r in %.2fs)", engine.name, HEALTH_TEXT, seconds)

        channel = new_channel(settings.batch_target)
        stack.push_async_callback(channel.close)
        nc = await connect_nats(settings.nats_url, f"ocrbatch-worker-{settings.worker_id}")
        stack.push_async_callback(nc.drain)
        js = nc.jetstream()
        await ensure_topology(js, ack_wait_s=settings.job_ack_wait_s, max_deliver=settings.job_max_deliver)

        consumer = JobConsumer(
            nc,
            js,
            jobs_pb2_grpc.JobFileServiceStub(channel),
            engines,
            limits_from(settings),
            worker_id=settings.worker_id,
            max_file_bytes=int(settings.max_file_mb * 1024 * 1024),
            ack_wait_s=settings.job_ack_wait_s,
            concurrency=settings.worker_concurrency,
            engine_use=engine_use,
        )
        if health_server is not None:
            await set_serving(health, [], True)
            stack.push_async_callback(health_server.stop, settings.grace_period_s)
        log.info("worker %s consuming jobs, %d at a time", settings.worker_id, settings.worker_concurrency)
        await consumer.run(stop)
        log.info("worker %s stopping after %d jobs", settings.worker_id, consumer.jobs_done)
