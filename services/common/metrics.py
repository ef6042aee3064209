"""Prometheus metrics of every service, defined in one place (the README's table lists them). The gateway
serves them at /metrics; the other services on OCRBATCH_METRICS_PORT (0: off), loopback unless
OCRBATCH_METRICS_HOST opens it."""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

# worker
JOBS = Counter(
    "ocrbatch_jobs_total", "Jobs a worker took and finished, by outcome and priority", ["outcome", "priority"]
)
JOB_FAILURES = Counter("ocrbatch_job_failures_total", "Files that failed, by reason", ["reason"])
OCR_SECONDS_PER_PAGE = Histogram(
    "ocrbatch_ocr_seconds_per_page", "Seconds to read one page", buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32)
)
PAGES_PER_DOCUMENT = Histogram(
    "ocrbatch_pages_per_document", "Pages of each document read", buckets=(1, 2, 3, 5, 10, 20, 50, 100)
)
# batch service
QUEUE_LAG = Gauge("ocrbatch_queue_lag", "Jobs waiting or in progress, per priority consumer", ["priority"])
RESULTS_APPLIED = Counter("ocrbatch_results_applied_total", "Worker results applied to records, by kind", ["kind"])
BATCH_SECONDS_TO_FINAL = Histogram(
    "ocrbatch_batch_seconds_to_final",
    "Seconds from a batch's upload to its final status",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200),
)
WEBHOOK_DELIVERIES = Counter(
    "ocrbatch_webhook_delivery_attempts_total", "Webhook delivery attempts, by outcome", ["outcome"]
)
# export service
EXPORT_BYTES = Counter("ocrbatch_export_bytes_total", "Bytes exported, by format", ["format"])
EXPORT_SECONDS = Histogram(
    "ocrbatch_export_seconds",
    "Seconds an export took, by format",
    ["format"],
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
# gateway
HTTP_REQUESTS = Counter(
    "ocrbatch_http_requests_total", "HTTP requests, by method, route and status", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "ocrbatch_http_request_seconds", "HTTP request duration, by method and route", ["method", "route"]
)


def serve_metrics(port: int, host: str) -> None:
    """Prometheus text format on http://host:port/metrics (a background thread); 0 turns it off."""
    if port:
        start_http_server(port, addr=host)
        log.info("metrics on http://%s:%d/metrics", host, port)
