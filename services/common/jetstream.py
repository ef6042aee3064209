"""JetStream topology shared by the batch service and the workers: stream, subject and consumer names."""

from __future__ import annotations

import logging

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from services.common.priorities import PRIORITIES

log = logging.getLogger(__name__)

JOBS_STREAM = "OCR_JOBS"
JOBS_SUBJECT_PREFIX = "ocr.jobs"  # ocr.jobs.<priority>
LEGACY_WORKERS_CONSUMER = "ocr-workers"  # one consumer for every priority, before priorities were honoured

RESULTS_STREAM = "OCR_RESULTS"
RESULTS_SUBJECT = "ocr.results"
RESULTS_CONSUMER = "batch-results"

# JetStream publishes this advisory when a job used up max_deliver; a stream keeps it so none is lost
# while the batch service is down.
DEAD_STREAM = "OCR_DEAD_JOBS"
MAX_DELIVERIES_ADVISORY = f"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{JOBS_STREAM}.*"
DEAD_CONSUMER = "batch-dead-jobs"

PROGRESS_SUBJECT_PREFIX = "ocr.progress"  # ocr.progress.<batchId>, core NATS

# Webhooks: batch events (fanned out to a project's endpoints), then one message per delivery, which
# the dispatcher naks with a delay for each retry; both streams survive restarts.
WEBHOOK_EVENTS_STREAM = "OCR_WEBHOOK_EVENTS"
WEBHOOK_EVENTS_SUBJECT = "ocr.webhooks.events"
WEBHOOK_EVENTS_CONSUMER = "webhook-fan-out"
WEBHOOK_DELIVERIES_STREAM = "OCR_WEBHOOK_DELIVERIES"
WEBHOOK_DELIVERIES_SUBJECT = "ocr.webhooks.deliveries"
WEBHOOK_DELIVERIES_CONSUMER = "webhook-dispatcher"


def job_subject(priority: str) -> str:
    return f"{JOBS_SUBJECT_PREFIX}.{priority}"


def workers_consumer(priority: str) -> str:
    """One durable consumer per priority, shared by all workers, so high jobs can be taken first."""
    return f"ocr-workers-{priority}"


def progress_subject(batch_id: str) -> str:
    return f"{PROGRESS_SUBJECT_PREFIX}.{batch_id}"


async def _ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None  # every stream here is named
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        log.info("created stream %s", config.name)
        return
    await js.update_stream(config)


async def ensure_topology(js: JetStreamContext, *, ack_wait_s: float, max_deliver: int) -> None:
    """Creates or updates the streams and durable consumers; safe to call from every replica."""
    # Work queues: a message leaves its stream once acknowledged. A repeated publish with the same message
    # id within the duplicate window is dropped (the dead-job advisories are published by the server).
    for name, subject, duplicate_window in (
        (JOBS_STREAM, f"{JOBS_SUBJECT_PREFIX}.>", 600.0),
        (RESULTS_STREAM, RESULTS_SUBJECT, 600.0),
        (DEAD_STREAM, MAX_DELIVERIES_ADVISORY, 0.0),  # 0: the server's default window
        (WEBHOOK_EVENTS_STREAM, WEBHOOK_EVENTS_SUBJECT, 600.0),
        (WEBHOOK_DELIVERIES_STREAM, WEBHOOK_DELIVERIES_SUBJECT, 600.0),
    ):
        await _ensure_stream(
            js,
            StreamConfig(
                name=name,
                subjects=[subject],
                retention=RetentionPolicy.WORK_QUEUE,
                storage=StorageType.FILE,
                duplicate_window=duplicate_window,
            ),
        )
    try:  # its filter overlaps the per-priority consumers, which a work-queue stream refuses
        await js.delete_consumer(JOBS_STREAM, LEGACY_WORKERS_CONSUMER)
    except NotFoundError:
        pass
    for priority in PRIORITIES:
        await js.add_consumer(
            JOBS_STREAM,
            ConsumerConfig(
                durable_name=workers_consumer(priority),
                filter_subject=job_subject(priority),
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=ack_wait_s,
                max_deliver=max_deliver,
                max_ack_pending=1000,
            ),
        )
    await js.add_consumer(
        WEBHOOK_DELIVERIES_STREAM,
        ConsumerConfig(
            durable_name=WEBHOOK_DELIVERIES_CONSUMER,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=60.0,  # one attempt takes at most the 15 s timeout
            max_deliver=-1,  # the dispatcher counts attempts against the retry schedule itself
            max_ack_pending=100_000,  # deliveries waiting hours for their next attempt stay pending
        ),
    )
    for stream, durable in (
        (RESULTS_STREAM, RESULTS_CONSUMER),
        (DEAD_STREAM, DEAD_CONSUMER),
        (WEBHOOK_EVENTS_STREAM, WEBHOOK_EVENTS_CONSUMER),
    ):
        await js.add_consumer(
            stream,
            ConsumerConfig(
                durable_name=durable,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=30.0,
                max_deliver=-1,
            ),
        )
