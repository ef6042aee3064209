"""Prometheus metrics of every service, as a scraper reads them, after real work went through the stack."""

from __future__ import annotations

import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.documents import text_pdf_bytes


def samples(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    reply = httpx.get(url, timeout=30)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(reply.text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def total(found: dict, name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in found.items() if n == name and all((k, v2) in ls for k, v2 in labels.items()))


def test_every_service_counts_its_work(local_stack):
    with local_stack.client() as client:
        pdf = text_pdf_bytes([["Invoice No: MET-1", "Total: 1.00"]])
        batch = client.post("/v1/openapi/batch/upload", files=[("files", ("m.pdf", pdf))]).json()
        while client.get(f"/v1/openapi/batch/{batch['id']}").json()["status"] not in ("completed", "failed"):
            time.sleep(0.2)
        assert client.get(f"/v1/openapi/batch/{batch['id']}/export", params={"format": "csv"}).status_code == 200
    endpoints = local_stack.info["metrics"]
    assert {"gateway", "batch", "export", "worker-1", "worker-2"} <= set(endpoints)

    gateway = samples(endpoints["gateway"])
    assert total(gateway, "ocrbatch_http_requests_total", route="/v1/openapi/batch/upload", status="201") >= 1
    assert total(gateway, "ocrbatch_http_request_seconds_count", route="/v1/openapi/batch/{batch_id}") >= 1

    batch_service = samples(endpoints["batch"])
    assert total(batch_service, "ocrbatch_results_applied_total", kind="completed") >= 1
    assert total(batch_service, "ocrbatch_batch_seconds_to_final_count") >= 1
    assert ("ocrbatch_queue_lag", (("priority", "medium"),)) in batch_service

    workers = [samples(endpoints[name]) for name in ("worker-1", "worker-2")]
    assert sum(total(w, "ocrbatch_jobs_total", outcome="completed") for w in workers) >= 1
    assert sum(total(w, "ocrbatch_jobs_total", outcome="received") for w in workers) >= 1
    assert sum(total(w, "ocrbatch_ocr_seconds_per_page_count") for w in workers) >= 1
    assert sum(total(w, "ocrbatch_pages_per_document_count") for w in workers) >= 1

    export = samples(endpoints["export"])
    assert total(export, "ocrbatch_export_bytes_total", format="csv") > 0
    assert total(export, "ocrbatch_export_seconds_count", format="csv") >= 1
