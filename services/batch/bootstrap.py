"""Wires the batch service: MongoDB store, JetStream, gRPC servicers, consumers; stops them in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import grpc
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from ocrbatch.v1 import (
    batch_pb2,
    batch_pb2_grpc,
    idempotency_pb2,
    idempotency_pb2_grpc,
    jobs_pb2,
    jobs_pb2_grpc,
    templates_pb2,
    templates_pb2_grpc,
    tenancy_pb2,
    tenancy_pb2_grpc,
    webhooks_pb2,
    webhooks_pb2_grpc,
)
from services.batch.adapters.addresses import AddressCheck
from services.batch.adapters.document_fetch import HttpDocumentFetcher
from services.batch.adapters.jobs import JetStreamJobs
from services.batch.adapters.mongo.batches import MongoBatches
from services.batch.adapters.mongo.blobs import GridFsBlobs
from services.batch.adapters.mongo.corrections import MongoCorrections
from services.batch.adapters.mongo.database import Database
from services.batch.adapters.mongo.idempotency import MongoIdempotencyKeys
from services.batch.adapters.mongo.templates import MongoTemplates
from services.batch.adapters.mongo.tenancy import MongoTenancy
from services.batch.adapters.mongo.webhooks import MongoWebhooks
from services.batch.adapters.webhook_http import HttpWebhookSender
from services.batch.entrypoints.consume import consume, supervise
from services.batch.entrypoints.grpc.admin import AdminServicer
from services.batch.entrypoints.grpc.auth import AuthServicer
from services.batch.entrypoints.grpc.batches import BatchServicer
from services.batch.entrypoints.grpc.idempotency import IdempotencyServicer
from services.batch.entrypoints.grpc.job_files import JobFileServicer
from services.batch.entrypoints.grpc.messages import batch_message, record_message
from services.batch.entrypoints.grpc.templates import TemplateServicer
from services.batch.entrypoints.grpc.webhooks import WebhookServicer
from services.batch.entrypoints.jetstream_consumers import (
    DeadJobHandler,
    ResultsHandler,
    WebhookDeliveryHandler,
    WebhookEventHandler,
)
from services.batch.service.auth import ensure_local_tenant
from services.batch.service.corrections import JobsWithExamples, LearnedExamples, RecordReview
from services.batch.service.declared import DeclaredBatches
from services.batch.service.idempotency import KeyClaims
from services.batch.service.requeue import requeue_loop, sweep_loop
from services.batch.service.results import ResultApplier
from services.batch.service.templates import TemplateCatalog
from services.batch.service.tenancy import TenancyAdmin
from services.batch.service.uploads import UploadPorts
from services.batch.service.webhooks import WebhookAdmin, WebhookDispatcher, WebhookEvents
from services.batch.settings import BatchSettings
from services.common import metrics
from services.common.api_json import batch_json, sensible_document
from services.common.connect import connect_nats
from services.common.grpc_runtime import new_server, set_serving, stop_event_on_signals
from services.common.jetstream import (
    DEAD_CONSUMER,
    DEAD_STREAM,
    JOBS_STREAM,
    RESULTS_CONSUMER,
    RESULTS_STREAM,
    WEBHOOK_DELIVERIES_CONSUMER,
    WEBHOOK_DELIVERIES_STREAM,
    WEBHOOK_EVENTS_CONSUMER,
    WEBHOOK_EVENTS_STREAM,
    ensure_topology,
    workers_consumer,
)
from services.common.metrics import serve_metrics
from services.common.priorities import PRIORITIES
from services.common.telemetry import init_tracing

log = logging.getLogger(__name__)
SERVICE_NAMES = [
    batch_pb2.DESCRIPTOR.services_by_name["BatchService"].full_name,
    batch_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name,
    jobs_pb2.DESCRIPTOR.services_by_name["JobFileService"].full_name,
    templates_pb2.DESCRIPTOR.services_by_name["TemplateService"].full_name,
    tenancy_pb2.DESCRIPTOR.services_by_name["AdminService"].full_name,
    webhooks_pb2.DESCRIPTOR.services_by_name["WebhookService"].full_name,
    idempotency_pb2.DESCRIPTOR.services_by_name["IdempotencyService"].full_name,
]


def webhook_events(database: Database, jobs: JetStreamJobs) -> WebhookEvents:
    batches = MongoBatches(database)

    async def document(record_id: str) -> dict[str, Any] | None:
        record = await batches.get_record(None, record_id)
        return sensible_document(record_message(record)) if record is not None else None

    return WebhookEvents(jobs, MongoWebhooks(database), lambda batch: batch_json(batch_message(batch)), document)


def create_server(
    settings: BatchSettings,
    database: Database,
    jobs: JetStreamJobs,
    sender: HttpWebhookSender,
    fetcher: HttpDocumentFetcher | None = None,
) -> tuple[grpc.aio.Server, object, int, ResultApplier, DeclaredBatches]:
    """The gRPC server with every servicer added and bound (port 0 picks a free port), and the result
    applier the JetStream consumers feed."""
    server, health = new_server(SERVICE_NAMES)
    batches, tenancy, blobs = MongoBatches(database), MongoTenancy(database), GridFsBlobs(database)
    catalog = TemplateCatalog(MongoTemplates(database))
    events = webhook_events(database, jobs)
    applier = ResultApplier(batches, jobs, events)
    corrections = MongoCorrections(database)
    learned = LearnedExamples(corrections)
    record_jobs = JobsWithExamples(jobs, learned)  # every job carries what its project's corrections taught
    ports = UploadPorts(
        batches=batches,
        blobs=blobs,
        tenancy=tenancy,
        templates=catalog,
        jobs=record_jobs,
        webhooks=events,
        applier=applier,
    )
    max_file_bytes = int(settings.max_file_mb * 1024 * 1024)
    declared = DeclaredBatches(
        batches, blobs, tenancy, catalog, record_jobs, applier, max_file_bytes, events,
        fetcher=fetcher, fetch_timeout_s=settings.url_fetch_timeout_s,
    )  # fmt: skip
    review = RecordReview(batches, corrections, learned)
    batch_pb2_grpc.add_BatchServiceServicer_to_server(
        BatchServicer(
            ports,
            applier,
            declared,
            review,
            corrections,
            max_files=settings.max_files_per_batch,
            max_file_bytes=max_file_bytes,
        ),
        server,
    )
    batch_pb2_grpc.add_AuthServiceServicer_to_server(AuthServicer(tenancy), server)
    templates_pb2_grpc.add_TemplateServiceServicer_to_server(TemplateServicer(catalog), server)
    tenancy_pb2_grpc.add_AdminServiceServicer_to_server(AdminServicer(TenancyAdmin(tenancy)), server)
    jobs_pb2_grpc.add_JobFileServiceServicer_to_server(JobFileServicer(batches, blobs), server)
    webhooks_pb2_grpc.add_WebhookServiceServicer_to_server(
        WebhookServicer(WebhookAdmin(MongoWebhooks(database), sender, jobs)), server
    )
    idempotency_pb2_grpc.add_IdempotencyServiceServicer_to_server(
        IdempotencyServicer(KeyClaims(MongoIdempotencyKeys(database), timedelta(seconds=settings.idempotency_lease_s))),
        server,
    )
    port = server.add_insecure_port(f"{settings.batch_host}:{settings.batch_port}")
    return server, health, port, applier, declared


async def _wait_for_mongo(database: Database, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            await database.ping()
            return
        except PyMongoError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"could not reach MongoDB: {exc}") from exc
            log.info("waiting for MongoDB: %s", exc)
            await asyncio.sleep(1.0)


@contextlib.asynccontextmanager
async def running(
    settings: BatchSettings, database: Database, nc: NatsClient, stop: asyncio.Event
) -> AsyncIterator[int]:
    """The batch service on a database and a NATS connection: its gRPC server SERVING on the yielded port,
    its results consumer, dead-job consumer and re-queue loop running until `stop` is set (a loop that dies
    sets it). Leaving stops them in order: health NOT_SERVING, gRPC (draining), then the loops."""
    js = nc.jetstream()
    await ensure_topology(js, ack_wait_s=settings.job_ack_wait_s, max_deliver=settings.job_max_deliver)
    jobs = JetStreamJobs(nc, js)
    if settings.bootstrap_key_file:
        await ensure_local_tenant(MongoTenancy(database), Path(settings.bootstrap_key_file))
    sender = HttpWebhookSender(settings.webhook_allowed())
    fetcher = HttpDocumentFetcher(AddressCheck(settings.webhook_allowed()), settings.url_fetch_timeout_s)
    server, health, port, applier, declared = create_server(settings, database, jobs, sender, fetcher)
    dispatcher = WebhookDispatcher(MongoWebhooks(database), sender, jobs, settings.webhook_schedule())
    await server.start()
    await set_serving(health, SERVICE_NAMES, True)
    loops = {
        "results consumer": consume(
            js, RESULTS_STREAM, RESULTS_CONSUMER, ResultsHandler(applier), stop, span_name="apply result"
        ),
        "dead-job consumer": consume(
            js, DEAD_STREAM, DEAD_CONSUMER, DeadJobHandler(js, applier), stop, span_name="fail dead job"
        ),
        "webhook fan-out": consume(
            js,
            WEBHOOK_EVENTS_STREAM,
            WEBHOOK_EVENTS_CONSUMER,
            WebhookEventHandler(dispatcher),
            stop,
            span_name="fan out webhook event",
        ),
        "webhook dispatcher": consume(
            js,
            WEBHOOK_DELIVERIES_STREAM,
            WEBHOOK_DELIVERIES_CONSUMER,
            WebhookDeliveryHandler(dispatcher),
            stop,
            span_name="deliver webhook",
        ),
        "queue lag": queue_lag_loop(js, stop),
        "re-queue loop": requeue_loop(
            MongoBatches(database),
            JobsWithExamples(jobs, LearnedExamples(MongoCorrections(database))),
            settings.requeue_interval_s,
            stop,
            webhook_events(database, jobs),
        ),
        "orphan sweep": sweep_loop(
            MongoBatches(database),
            GridFsBlobs(database),
            settings.orphan_sweep_interval_s,
            settings.orphan_grace_s,
            stop,
        ),
    }
    tasks = [supervise(asyncio.create_task(coro, name=name), stop) for name, coro in loops.items()]
    try:
        yield port
    finally:
        stop.set()
        await set_serving(health, SERVICE_NAMES, False)
        await server.stop(settings.grace_period_s)
        await asyncio.gather(*tasks, return_exceptions=True)
        await declared.close()
        await fetcher.close()
        await sender.close()
    failed = [t for t in tasks if not t.cancelled() and t.exception() is not None]
    if failed:
        raise RuntimeError(f"{failed[0].get_name()} failed: {failed[0].exception()!r}")


async def queue_lag_loop(js: JetStreamContext, stop: asyncio.Event, interval_s: float = 10.0) -> None:
    """The ocrbatch_queue_lag gauge: each priority consumer's pending + in-progress jobs, as KEDA sees them."""
    while not stop.is_set():
        for priority in PRIORITIES:
            try:
                info = await js.consumer_info(JOBS_STREAM, workers_consumer(priority))
            except (nats.errors.Error, TimeoutError):
                continue
            metrics.QUEUE_LAG.labels(priority).set((info.num_pending or 0) + (info.num_ack_pending or 0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)


async def serve(settings: BatchSettings) -> None:
    stop = stop_event_on_signals()
    async with contextlib.AsyncExitStack() as stack:
        provider = init_tracing("ocrbatch-batch", settings.otel_exporter, settings.otel_endpoint)
        stack.callback(provider.shutdown)
        serve_metrics(settings.metrics_port, settings.metrics_host)
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
            settings.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=3000
        )
        stack.push_async_callback(client.close)
        database = Database(client, settings.mongodb_db)
        await _wait_for_mongo(database)
        await database.ensure_indexes()
        nc = await connect_nats(settings.nats_url, "ocrbatch-batch")
        stack.push_async_callback(nc.drain)
        try:
            async with running(settings, database, nc, stop) as port:
                log.info("batch service listening on %s:%d", settings.batch_host, port)
                await stop.wait()
                log.info("stopping: health NOT_SERVING, then gRPC, consumers, NATS, MongoDB")
        except RuntimeError as exc:
            log.error("%s", exc)
            raise SystemExit(1) from None
