"""WebSocket /v1/ws: subscribe to batches and receive `batch_progress_updated` events as they happen.

Client → server: {"action": "subscribe" | "unsubscribe", "batchId": "…", "projectId": "…"?}
Server → client: {"event": "subscribed", "batchId", …the batch's current counters} on subscribe, then
{"event": "batch_progress_updated", "batchId", "totalFiles", "completedFiles", "failedFiles", "progress",
"status"} for every change, {"event": "record_progress_updated", "batchId", "recordId", "pagesDone", "pagesTotal"}
while a document of several pages is read, and {"event": "error", "message"} for a refused request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import grpc
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ocrbatch.v1 import batch_pb2
from services.common.api_json import batch_json
from services.common.jetstream import progress_subject
from services.gateway.auth import authenticate
from services.gateway.errors import ApiError, from_grpc

router = APIRouter(tags=["live"])
log = logging.getLogger(__name__)
MAX_SUBSCRIPTIONS = 100


@router.websocket("/v1/ws")
async def live_progress(websocket: WebSocket) -> None:
    try:
        principal = await authenticate(websocket)
    except ApiError as exc:
        await websocket.close(code=1008, reason=exc.message[:120])  # policy violation: bad or missing key
        return
    await websocket.accept()
    nc = websocket.app.state.nats
    outbox: asyncio.Queue[dict] = asyncio.Queue(maxsize=1000)
    subscriptions: dict[str, object] = {}

    async def forward(msg) -> None:  # noqa: ANN001 (nats Msg)
        with contextlib.suppress(asyncio.QueueFull, json.JSONDecodeError):  # a slow client loses old events
            outbox.put_nowait(json.loads(msg.data))

    async def send_loop() -> None:
        while True:
            await websocket.send_json(await outbox.get())

    sender = asyncio.create_task(send_loop())
    try:
        while True:
            try:
                message = await websocket.receive_json()
            except (json.JSONDecodeError, KeyError, TypeError):
                await outbox.put({"event": "error", "message": "send JSON: {action, batchId}"})
                continue
            action = message.get("action") if isinstance(message, dict) else None
            batch_id = str(message.get("batchId", ""))[:64] if isinstance(message, dict) else ""
            if action == "unsubscribe" and batch_id in subscriptions:
                await subscriptions.pop(batch_id).unsubscribe()
                continue
            if action != "subscribe" or not batch_id:
                await outbox.put({"event": "error", "message": "action must be subscribe or unsubscribe, with batchId"})
                continue
            if len(subscriptions) >= MAX_SUBSCRIPTIONS:
                await outbox.put({"event": "error", "message": f"at most {MAX_SUBSCRIPTIONS} subscriptions"})
                continue
            try:  # only a batch the key may read can be followed
                scope = await principal.scope(message.get("projectId"))
                batch = await websocket.app.state.backends.batches.GetBatch(
                    batch_pb2.GetBatchRequest(scope=scope, batch_id=batch_id), timeout=10
                )
            except ApiError as exc:
                await outbox.put({"event": "error", "batchId": batch_id, "message": exc.message})
                continue
            except grpc.aio.AioRpcError as exc:
                await outbox.put({"event": "error", "batchId": batch_id, "message": from_grpc(exc).message})
                continue
            if batch_id not in subscriptions:
                subscriptions[batch_id] = await nc.subscribe(progress_subject(batch_id), cb=forward)
            state = batch_json(batch, with_ids=False)
            keys = ("totalFiles", "completedFiles", "failedFiles", "progress", "status")
            await outbox.put({"event": "subscribed", "batchId": batch_id, **{k: state[k] for k in keys}})
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        for sub in subscriptions.values():
            with contextlib.suppress(Exception):  # the connection to NATS may be closing too
                await sub.unsubscribe()
