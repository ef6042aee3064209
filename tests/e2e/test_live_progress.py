"""WebSocket /v1/ws: a subscriber sees every batch_progress_updated event up to the final status."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.documents import Invoice, image_pdf_bytes, invoice_image


def ws_url(stack, **query: str) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return stack.url.replace("http://", "ws://") + "/v1/ws" + (f"?{params}" if params else "")


def test_a_subscriber_follows_a_batch_to_its_final_status(local_stack):
    """Scanned three-page PDFs keep the two workers busy for seconds, so the subscription comes before the
    batch ends; the test fails (rather than passing on no events) if it did not."""
    scans = [[invoice_image(Invoice(f"WS-{i}-{p}", "9.00")) for p in (1, 2, 3)] for i in range(3)]
    files = [("files", (f"f{i}.pdf", image_pdf_bytes(pages), "application/pdf")) for i, pages in enumerate(scans)]
    files.append(("files", ("broken.pdf", b"%PDF-1.7 broken", "application/pdf")))
    with (
        local_stack.client() as client,
        connect(ws_url(local_stack), additional_headers={"X-API-Key": local_stack.api_key}, open_timeout=10) as ws,
    ):
        batch = client.post("/v1/openapi/batch/upload", files=files).json()
        ws.send(json.dumps({"action": "subscribe", "batchId": batch["id"]}))
        subscribed = json.loads(ws.recv(timeout=10))
        events: list[dict] = []
        updates: list[dict] = []  # the batch's
        while not updates or updates[-1]["status"] not in ("completed", "partially_failed", "failed"):
            events.append(json.loads(ws.recv(timeout=60)))
            if events[-1]["event"] == "batch_progress_updated":
                updates.append(events[-1])
        final = client.get(f"/v1/openapi/batch/{batch['id']}").json()
        records = [client.get(f"/v1/openapi/processing-history/{i}").json() for i in batch["processingHistoryIds"]]
    assert subscribed["event"] == "subscribed" and subscribed["batchId"] == batch["id"]
    assert subscribed["status"] == "processing", "the batch ended before the subscription: nothing was followed"
    assert {e["event"] for e in events} == {"batch_progress_updated", "record_progress_updated"}
    # each three-page document tells its pages read while it is read (the last page comes with its result)
    pages = [e for e in events if e["event"] == "record_progress_updated"]
    assert {e["recordId"] for e in pages} <= set(batch["processingHistoryIds"][:3])
    assert all(e["batchId"] == batch["id"] and e["pagesTotal"] == 3 and e["pagesDone"] in (1, 2) for e in pages)
    assert [(r["pagesDone"], r["pagesTotal"]) for r in records[:3]] == [(3, 3)] * 3
    done = [e["completedFiles"] + e["failedFiles"] for e in updates]
    assert done == sorted(done) and done[-1] == 4
    assert [e["progress"] for e in updates] == sorted(e["progress"] for e in updates)
    assert updates[-1]["status"] == final["status"] == "partially_failed"
    assert (updates[-1]["completedFiles"], updates[-1]["failedFiles"], updates[-1]["progress"]) == (3, 1, 100)


def test_only_a_readable_batch_can_be_followed(local_stack):
    with connect(ws_url(local_stack, apiKey=local_stack.api_key), open_timeout=10) as ws:
        ws.send(json.dumps({"action": "subscribe", "batchId": "6b0490ffe259e5118c08ce76"}))
        reply = json.loads(ws.recv(timeout=10))
        assert reply["event"] == "error" and "not found" in reply["message"]
        ws.send("not json")
        assert json.loads(ws.recv(timeout=10))["event"] == "error"


def test_a_websocket_without_a_valid_key_is_refused(local_stack):
    with pytest.raises(InvalidStatus) as refused:
        with connect(ws_url(local_stack, apiKey="ocr_wrong"), open_timeout=10) as ws:
            ws.recv(timeout=5)
    assert refused.value.response.status_code == 403


def test_a_long_documents_pages_read_so_far_show_on_its_record_while_it_is_read(local_stack):
    """A client polling the record, as a progress bar would, sees its pages read so far before it completes."""
    import time

    scans = [invoice_image(Invoice(f"LONG-{p}", "1.00")) for p in range(1, 7)]
    files = [("files", ("long.pdf", image_pdf_bytes(scans), "application/pdf"))]
    seen: list[tuple[int, int]] = []
    with local_stack.client() as client:
        batch = client.post("/v1/openapi/batch/upload", files=files).json()
        path = f"/v1/openapi/processing-history/{batch['processingHistoryIds'][0]}"
        deadline = time.monotonic() + 120
        while (record := client.get(path).json())["status"] != "completed":
            assert record["status"] != "failed" and time.monotonic() < deadline, record
            seen.append((record["pagesDone"], record["pagesTotal"]))
            time.sleep(0.1)  # a progress bar's pace: well inside the key's rate limit
    assert any(0 < done < 6 and total == 6 for done, total in seen), seen
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # it only grows
    assert (record["pagesDone"], record["pagesTotal"]) == (6, 6)
