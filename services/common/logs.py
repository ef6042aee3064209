"""One logging set-up for every service: one line per event, the service name first."""

from __future__ import annotations

import logging
import sys


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("pymongo", "nats", "RapidOCR", "grpc", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
