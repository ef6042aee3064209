"""A wrong setting stops a service with the variable's name and what is wrong, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        (
            ["-m", "services.worker"],
            {"OCRBATCH_OCR_MODEL": "medium", "OCRBATCH_OCR_THREADS": "two"},
            "OCRBATCH_OCR_THREADS: Input should be a valid integer, unable to parse string as an integer; "
            "OCRBATCH_OCR_MODEL: Input should be 'small' or 'tiny'",
        ),
        (["-m", "services.worker"], {"OCRBATCH_OCR_ENGINE": "tesseract"}, "OCRBATCH_OCR_ENGINE: Input should be"),
        (["-m", "services.worker"], {"OCRBATCH_OCR_ALPHABET": "cjk"}, "OCRBATCH_OCR_ALPHABET: Input should be 'latin'"),
        (["-m", "services.batch"], {"OCRBATCH_JOB_MAX_DELIVER": "many"}, "OCRBATCH_JOB_MAX_DELIVER: Input should be"),
        (["-m", "services.local", "up"], {"OCRBATCH_WORKERS": "0"}, "OCRBATCH_WORKERS: Input should be greater"),
    ],
)
def test_a_wrong_setting_stops_the_service_with_its_name(command, env, expected):
    done = subprocess.run(
        [sys.executable, *command], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
