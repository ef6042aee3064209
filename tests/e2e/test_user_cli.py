"""The user CLI against the running stack, found from another directory: submit with --wait and --export,
batches, history, retry; exit codes 0 / 1 / 2 and one-line errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.documents import text_pdf_bytes


def ocrbatch(stack, *args: str, cwd: Path, home: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCRBATCH_")}
    env["XDG_CONFIG_HOME"] = str(cwd / "no-config")  # only OCRBATCH_HOME (or nothing) may lead to the stack
    if home:
        env["OCRBATCH_HOME"] = str(stack.home)
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_submit_waits_exports_and_the_other_commands_work(local_stack, tmp_path):
    for number, name in enumerate(("a.pdf", "b.pdf"), start=1):
        (tmp_path / name).write_bytes(text_pdf_bytes([[f"Invoice No: CLI-{number}", "Total: 7.00"]]))
    done = ocrbatch(
        local_stack, "submit", "a.pdf", "b.pdf", "--template", "invoice", "--name", "from the CLI", "--wait",
        "--export", "csv", "-o", "out.csv", "--json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout)
    assert (batch["status"], batch["completedFiles"], batch["name"]) == ("completed", 2, "from the CLI")
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert sorted(r["invoiceNumber"] for r in rows) == ["CLI-1", "CLI-2"]

    listed = json.loads(ocrbatch(local_stack, "batches", "list", "--json", cwd=tmp_path).stdout)
    assert batch["id"] in [b["id"] for b in listed["data"]]
    shown = ocrbatch(local_stack, "batches", "show", batch["id"], cwd=tmp_path)
    assert shown.returncode == 0 and "status: completed" in shown.stdout
    records = json.loads(
        ocrbatch(local_stack, "history", "list", "--batch", batch["id"], "--json", cwd=tmp_path).stdout
    )
    assert sorted(r["fileName"] for r in records["data"]) == ["a.pdf", "b.pdf"]
    exported = ocrbatch(local_stack, "batches", "export", batch["id"], "--format", "xlsx", "-o", "x.xlsx", cwd=tmp_path)
    assert exported.returncode == 0 and (tmp_path / "x.xlsx").read_bytes()[:2] == b"PK"

    refused = ocrbatch(local_stack, "retry", "0123456789abcdef01234567", cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "404: record" in refused.stderr


def test_a_failed_file_exits_1_and_usage_and_connection_errors_exit_2(local_stack, tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 broken")
    failed = ocrbatch(local_stack, "submit", "broken.pdf", "--wait", cwd=tmp_path)
    assert failed.returncode == 1 and "1 failed" in failed.stdout

    missing = ocrbatch(local_stack, "submit", "nope.pdf", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.strip() == "error: not a file: nope.pdf"
    usage = ocrbatch(local_stack, "batches", "frobnicate", cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr.startswith("error:") and "Traceback" not in usage.stderr
    nowhere = ocrbatch(local_stack, "batches", "list", cwd=tmp_path, home=False)
    assert nowhere.returncode == 2 and nowhere.stderr.startswith("error: no gateway")
    down = ocrbatch(
        local_stack, "batches", "list", "--url", "http://127.0.0.1:9", "--api-key", "ocr_x", cwd=tmp_path, home=False
    )
    assert down.returncode == 2 and down.stderr.startswith("error: cannot reach http://127.0.0.1:9")
