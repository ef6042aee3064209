"""Property-based fuzzing of the gateway's OpenAPI document with schemathesis: no input may cause a 5xx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_no_generated_request_gets_a_server_error(local_stack):
    org = local_stack.admin("org", "create", "Fuzzing", "--credits", "100000")
    project = local_stack.admin("project", "create", org["id"], "Fuzz")
    key = local_stack.admin("key", "create", org["id"], "--project", project["id"])["secret"]
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            f"{local_stack.url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "15",
            "--seed",
            "20261123",
            "--request-timeout",
            "60",
            "--header",
            f"X-API-Key: {key}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = done.stdout[-3000:]
    assert done.returncode == 0, summary
    assert " passed" in summary and "failed" not in summary.split("Test cases:")[-1], summary
