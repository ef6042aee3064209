"""Batch status machine, progress and naming rules."""

from datetime import datetime

import pytest

from services.batch.domain.rules import BatchStatus, batch_status, clean_file_name, default_batch_name, progress


@pytest.mark.parametrize(
    ("total", "completed", "failed", "expected"),
    [(3, 2, 0, 66.67), (3, 1, 0, 33.33), (10, 7, 1, 80.0), (3, 3, 0, 100.0), (0, 0, 0, 0.0), (7, 0, 1, 14.29)],
)
def test_progress_is_final_files_over_total_rounded_to_two_decimals(total, completed, failed, expected):
    assert progress(total, completed, failed) == expected


@pytest.mark.parametrize(
    ("completed", "failed", "expected"),
    [
        (1, 1, BatchStatus.PROCESSING),
        (3, 0, BatchStatus.COMPLETED),
        (0, 3, BatchStatus.FAILED),
        (2, 1, BatchStatus.PARTIALLY_FAILED),
    ],
)
def test_batch_status_follows_its_counters(completed, failed, expected):
    assert batch_status(3, completed, failed) == expected


def test_default_batch_name_uses_minutes():
    assert default_batch_name(datetime(2026, 3, 31, 9, 5, 59)) == "Batch 2026-03-31 09:05"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\scan.pdf", "scan.pdf"),
        ("in\x00voice.pdf", "in_voice.pdf"),
        ("", "unnamed"),
        ("..", "unnamed"),
        ("résumé.png", "résumé.png"),
    ],
)
def test_file_names_are_cleaned_to_a_safe_basename(raw, expected):
    assert clean_file_name(raw) == expected


def test_overlong_file_names_keep_their_extension():
    name = clean_file_name("a" * 300 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")
