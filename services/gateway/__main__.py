"""Runs the gateway: python -m services.gateway."""

from __future__ import annotations

import uvicorn

from services.common.logs import configure_logging
from services.common.settings import settings_or_exit
from services.common.telemetry import init_tracing
from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings


def main() -> None:
    settings = settings_or_exit(GatewaySettings)
    configure_logging("gateway", settings.log_level)
    provider = init_tracing("ocrbatch-gateway", settings.otel_exporter, settings.otel_endpoint)
    try:
        uvicorn.run(
            create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            timeout_graceful_shutdown=int(settings.grace_period_s),
        )
    finally:
        provider.shutdown()


if __name__ == "__main__":
    main()
