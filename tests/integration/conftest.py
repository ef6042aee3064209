"""Integration fixtures as one typed chain, each step built on the one before:

    temp dir → nats-server on a free port → NATS client → JetStream
    SecantusDB (session) → a database of its own per test
    → the batch service, in-process through bootstrap.running() on port 0 → a channel → its stubs
    → the export service, in-process through its create_server() on port 0

Each test gets a fresh NATS and database, so no test sees another's jobs or records. Tests that kill a
service (faults) start it as a real process instead (tests/support/processes.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from pymongo import AsyncMongoClient

from ocrbatch.v1 import batch_pb2_grpc, common_pb2, export_pb2_grpc, jobs_pb2_grpc, templates_pb2_grpc
from services.batch import bootstrap as batch_bootstrap
from services.batch.adapters.mongo.database import Database
from services.batch.settings import BatchSettings
from services.export import bootstrap as export_bootstrap
from services.export.settings import ExportSettings
from services.local.processes import Child
from tests.support.batch_calls import BatchStack
from tests.support.processes import start_nats

MAX_FILES = 3
MAX_FILE_MB = 1


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[str]:
    """A nats-server with JetStream of this test's own; its URL."""
    process: Child
    process, url = start_nats(tmp_path / "nats", tmp_path / "logs")
    yield url
    process.stop()


@pytest.fixture
async def nats_client(nats_server: str) -> AsyncIterator[NatsClient]:
    nc = await nats.connect(nats_server)
    yield nc
    await nc.close()


@pytest.fixture
def jetstream(nats_client: NatsClient) -> JetStreamContext:
    return nats_client.jetstream()


@pytest.fixture
async def mongo_client(secantus_uri: str) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(secantus_uri, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture
async def database(mongo_client: AsyncMongoClient[dict[str, object]], unique_db: str) -> AsyncIterator[Database]:
    database = Database(mongo_client, unique_db)
    await database.ensure_indexes()
    yield database
    await mongo_client.drop_database(unique_db)


@pytest.fixture
def batch_settings(tmp_path: Path, unique_db: str) -> BatchSettings:
    """Small limits and a fast give-up (ack wait 1 s, 2 deliveries), a local tenant written to key.json."""
    return BatchSettings(
        mongodb_db=unique_db,
        batch_port=0,
        bootstrap_key_file=str(tmp_path / "key.json"),
        job_ack_wait_s=1,
        job_max_deliver=2,
        max_files_per_batch=MAX_FILES,
        max_file_mb=MAX_FILE_MB,
        grace_period_s=1,
    )


@pytest.fixture
async def batch_target(
    batch_settings: BatchSettings, database: Database, nats_client: NatsClient
) -> AsyncIterator[str]:
    """The batch service, serving in this process; its gRPC target."""
    stop = asyncio.Event()
    async with batch_bootstrap.running(batch_settings, database, nats_client, stop) as port:
        yield f"127.0.0.1:{port}"


@pytest.fixture
async def batch_channel(batch_target: str) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(batch_target) as channel:
        yield channel


@pytest.fixture
async def export_target(batch_channel: grpc.aio.Channel) -> AsyncIterator[str]:
    """The export service, serving in this process and reading from the batch service; its gRPC target."""
    server, _, port = export_bootstrap.create_server(
        ExportSettings(export_port=0),
        batch_pb2_grpc.BatchServiceStub(batch_channel),
        jobs_pb2_grpc.JobFileServiceStub(batch_channel),
    )
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(1)


@pytest.fixture
def stack(
    batch_settings: BatchSettings,
    batch_target: str,
    batch_channel: grpc.aio.Channel,
    jetstream: JetStreamContext,
    database: Database,
    nats_server: str,
) -> BatchStack:
    tenant = json.loads(Path(batch_settings.bootstrap_key_file).read_text())
    return BatchStack(
        batches=batch_pb2_grpc.BatchServiceStub(batch_channel),
        auth=batch_pb2_grpc.AuthServiceStub(batch_channel),
        files=jobs_pb2_grpc.JobFileServiceStub(batch_channel),
        templates=templates_pb2_grpc.TemplateServiceStub(batch_channel),
        js=jetstream,
        db=database.db,
        scope=common_pb2.Scope(organization_id=tenant["organizationId"], project_id=tenant["projectId"]),
        api_key=tenant["apiKey"],
        target=batch_target,
        nats_url=nats_server,
    )


@pytest.fixture
async def exports(export_target: str) -> AsyncIterator[export_pb2_grpc.ExportServiceStub]:
    async with grpc.aio.insecure_channel(export_target) as channel:
        yield export_pb2_grpc.ExportServiceStub(channel)
