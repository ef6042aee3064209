"""What a worker counts of its jobs (Prometheus, services/common/metrics.py)."""

from __future__ import annotations

from ocrbatch.v1 import jobs_pb2
from services.common import metrics


def received(job: jobs_pb2.OcrJob) -> None:
    metrics.JOBS.labels("received", job.priority).inc()


def completed(job: jobs_pb2.OcrJob, pages: int, seconds: float) -> None:
    metrics.JOBS.labels("completed", job.priority).inc()
    metrics.PAGES_PER_DOCUMENT.observe(pages)
    for _ in range(pages):
        metrics.OCR_SECONDS_PER_PAGE.observe(seconds / max(pages, 1))


def failed(job: jobs_pb2.OcrJob, reason: str) -> None:
    metrics.JOB_FAILURES.labels(reason).inc()
    metrics.JOBS.labels("failed", job.priority).inc()
