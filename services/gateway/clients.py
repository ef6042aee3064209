"""The gateway's gRPC channels and stubs, opened at start-up and closed at shutdown."""

from __future__ import annotations

from dataclasses import dataclass

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ocrbatch.v1 import (
    batch_pb2_grpc,
    export_pb2_grpc,
    idempotency_pb2_grpc,
    jobs_pb2_grpc,
    templates_pb2_grpc,
    tenancy_pb2_grpc,
    webhooks_pb2_grpc,
)
from services.common.grpc_runtime import new_channel


@dataclass
class Backends:
    batch_channel: grpc.aio.Channel
    export_channel: grpc.aio.Channel
    batches: batch_pb2_grpc.BatchServiceStub
    auth: batch_pb2_grpc.AuthServiceStub
    exports: export_pb2_grpc.ExportServiceStub
    templates: templates_pb2_grpc.TemplateServiceStub
    files: jobs_pb2_grpc.JobFileServiceStub  # original files, for signed download links
    admin: tenancy_pb2_grpc.AdminServiceStub  # read-only use: the projects a caller may name
    webhooks: webhooks_pb2_grpc.WebhookServiceStub
    idempotency: idempotency_pb2_grpc.IdempotencyServiceStub  # Idempotency-Key (services/gateway/idempotency.py)

    @classmethod
    def connect(cls, batch_target: str, export_target: str) -> Backends:
        batch_channel, export_channel = new_channel(batch_target), new_channel(export_target)
        return cls(
            batch_channel=batch_channel,
            export_channel=export_channel,
            batches=batch_pb2_grpc.BatchServiceStub(batch_channel),
            auth=batch_pb2_grpc.AuthServiceStub(batch_channel),
            exports=export_pb2_grpc.ExportServiceStub(export_channel),
            templates=templates_pb2_grpc.TemplateServiceStub(batch_channel),
            files=jobs_pb2_grpc.JobFileServiceStub(batch_channel),
            admin=tenancy_pb2_grpc.AdminServiceStub(batch_channel),
            webhooks=webhooks_pb2_grpc.WebhookServiceStub(batch_channel),
            idempotency=idempotency_pb2_grpc.IdempotencyServiceStub(batch_channel),
        )

    async def ready(self) -> dict[str, bool]:
        out = {}
        for name, channel in (("batch", self.batch_channel), ("export", self.export_channel)):
            try:
                reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
                out[name] = reply.status == health_pb2.HealthCheckResponse.SERVING
            except grpc.aio.AioRpcError:
                out[name] = False
        return out

    async def close(self) -> None:
        await self.batch_channel.close()
        await self.export_channel.close()
