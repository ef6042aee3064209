"""A worker makes its OCR engine again between jobs (OCRBATCH_ENGINE_MAX_JOBS) without losing or failing a
file: a stack of its own with one worker that renews its engine after every second job."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from services.local.stack import LocalStack, StackConfig, free_port
from tests.support.documents import Invoice, invoice_image, png_bytes

FILES = 5


@pytest.fixture(scope="module")
def renewing_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalStack, dict[str, object]]]:
    home = tmp_path_factory.mktemp("renewal")
    stack = LocalStack(
        StackConfig(
            home=home,
            http_port=free_port(),
            workers=1,
            log_dir=home / "logs",
            extra_env={"OCRBATCH_ENGINE_MAX_JOBS": "2"},
        )
    )
    info = stack.start()
    try:
        yield stack, info
    finally:
        stack.stop()


def test_every_file_is_read_across_engine_renewals(renewing_stack):
    stack, info = renewing_stack
    url, key = str(info["url"]), str(info["apiKey"])
    files = [
        (
            "files",
            (f"inv-{i}.png", png_bytes(invoice_image(Invoice(number=f"R-{4100 + i}", total="12,50"))), "image/png"),
        )
        for i in range(FILES)
    ]
    with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
        batch = client.post("/v1/openapi/batch/upload", files=files)
        assert batch.status_code == 201, batch.text
        batch_id = batch.json()["id"]
        with connect(url.replace("http", "ws", 1) + "/v1/ws", additional_headers={"X-API-Key": key}) as ws:
            ws.send(json.dumps({"action": "subscribe", "batchId": batch_id}))
            while (event := json.loads(ws.recv(timeout=180))).get("status") not in ("completed", "partially_failed"):
                assert event.get("event") != "error", event
        assert event["status"] == "completed"
        texts = [
            client.get(f"/v1/openapi/processing-history/{record_id}").json()["text"]
            for record_id in batch.json()["processingHistoryIds"]
        ]
    assert all(f"R-{4100 + i}" in text for i, text in enumerate(texts))
    worker_log = "".join(path.read_text() for path in Path(stack.config.log_dir or ".").glob("worker*"))
    # after jobs 2 and 4; after the 5th the engine is not due yet
    assert len(re.findall(r"OCR engine made again after 2 jobs", worker_log)) == 2, worker_log[-3000:]
