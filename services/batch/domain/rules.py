"""Batch and record status machine, progress and naming rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum


class BatchStatus(StrEnum):
    UPLOADING = "uploading"
    PROCESSING = "processing"
    COMPLETED = "completed"
    PARTIALLY_FAILED = "partially_failed"
    FAILED = "failed"


class RecordStatus(StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    WAITING = "waiting"  # declared by name, bytes not uploaded yet (Sensible-style batches)


OPEN_RECORD_STATUSES = (RecordStatus.PENDING, RecordStatus.QUEUED, RecordStatus.IN_PROGRESS)
FINAL_RECORD_STATUSES = (RecordStatus.COMPLETED, RecordStatus.FAILED)
FINAL_BATCH_STATUSES = (BatchStatus.COMPLETED, BatchStatus.PARTIALLY_FAILED, BatchStatus.FAILED)


def became_final(before: BatchStatus | None, after: BatchStatus | None) -> bool:
    """Whether a change took a batch to a final status (batch.completed, the time-to-final metric)."""
    return after in FINAL_BATCH_STATUSES and before not in FINAL_BATCH_STATUSES


PRIORITIES = ("low", "medium", "high")
DEFAULT_PRIORITY = "medium"
MAX_FILE_NAME_CHARS = 255


def progress(total: int, completed: int, failed: int) -> float:
    """(completed + failed) / total * 100, rounded to 2 decimals; 0 for an empty batch."""
    if total <= 0:
        return 0.0
    return round((completed + failed) / total * 100, 2)


def batch_status(total: int, completed: int, failed: int, waiting: int = 0) -> BatchStatus:
    """The status of a batch from its counters: uploading while every declared document still waits for its
    bytes, processing until every file is final."""
    if waiting and waiting >= total:
        return BatchStatus.UPLOADING
    if completed + failed < total:
        return BatchStatus.PROCESSING
    if failed == 0:
        return BatchStatus.COMPLETED
    if completed == 0:
        return BatchStatus.FAILED
    return BatchStatus.PARTIALLY_FAILED


def default_batch_name(now: datetime) -> str:
    return now.strftime("Batch %Y-%m-%d %H:%M")


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_file_name(raw: str) -> str:
    """A display-safe file name: last path component, no control characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    if not name:
        name = "unnamed"
    if len(name) > MAX_FILE_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_FILE_NAME_CHARS - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_FILE_NAME_CHARS]
    return name
