"""The user's CLI, over the REST API: submit files (with live progress from the WebSocket), batches,
processing history, retry. Finds the gateway and key from --url/--api-key, OCRBATCH_URL/OCRBATCH_API_KEY,
or the local stack (its home, or the note `make up` leaves in ~/.config/ocrbatch).

Exit codes: 0 every file completed (or the command succeeded), 1 some file failed, 2 usage or connection
errors. Errors are one line on stderr."""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from services.common.priorities import PRIORITIES
from services.common.qualities import QUALITIES
from services.local.stack import local_stack_pointer

FINAL = ("completed", "partially_failed", "failed")
FORMATS = ("json", "csv", "text", "xml", "html", "pdf", "docx", "xlsx", "searchable-pdf")


class CliError(Exception):
    """A usage or connection problem: exit code 2, one line."""


@dataclass
class Target:
    url: str
    api_key: str
    project_id: str = ""


def _stack_file() -> Path | None:
    candidates = []
    if os.environ.get("OCRBATCH_HOME"):
        candidates.append(Path(os.environ["OCRBATCH_HOME"]) / "stack.json")
    here = Path.cwd()
    candidates += [folder / ".ocrbatch" / "stack.json" for folder in (here, *here.parents)]
    pointer = local_stack_pointer()
    if pointer.exists():
        try:
            candidates.append(Path(json.loads(pointer.read_text())["home"]) / "stack.json")
        except (ValueError, KeyError, OSError):
            pass
    return next((c for c in candidates if c.exists()), None)


def target_of(args: argparse.Namespace) -> Target:
    url, key = args.url or os.environ.get("OCRBATCH_URL", ""), args.api_key or os.environ.get("OCRBATCH_API_KEY", "")
    project = args.project or os.environ.get("OCRBATCH_PROJECT_ID", "")
    if not (url and key):
        state = _stack_file()
        if state is None:
            raise CliError("no gateway: pass --url and --api-key, set OCRBATCH_URL and OCRBATCH_API_KEY, or `make up`")
        info = json.loads(state.read_text())
        url, key, project = url or info["url"], key or info["apiKey"], project or info.get("projectId", "")
    return Target(url.rstrip("/"), key, project)


IN_PROGRESS_WAIT_S = 600  # how long a retried create waits for its first send to finish on the server


class Api:
    def __init__(self, target: Target) -> None:
        self.target = target
        self.client = httpx.Client(base_url=target.url, headers={"X-API-Key": target.api_key}, timeout=600)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        params = dict(kwargs.pop("params", {}) or {})
        if self.target.project_id:
            params.setdefault("projectId", self.target.project_id)
        try:
            reply = self.client.request(method, path, params=params, **kwargs)
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach {self.target.url}: {exc}") from None
        _refused(reply)
        return reply

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, **kwargs).json()

    def create(self, path: str, request: Callable[[], dict[str, Any]]) -> Any:
        """POSTs a request that creates, under an Idempotency-Key of its own: sent again once if the connection is
        cut before the answer (the server answers as it did the first time, and charges once), and again while
        the first is still in progress there (409, Retry-After). `request()` gives the request's arguments anew
        for each send (files rewound)."""
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        deadline = time.monotonic() + IN_PROGRESS_WAIT_S
        cut_retries = 1
        while True:
            params = {"projectId": self.target.project_id} if self.target.project_id else {}
            try:
                reply = self.client.post(path, params=params, headers=headers, **request())
            except httpx.TransportError as exc:
                if cut_retries == 0:
                    raise CliError(f"cannot reach {self.target.url}: {exc}") from None
                cut_retries -= 1
                continue
            if reply.status_code == 409 and "retry-after" in reply.headers and time.monotonic() < deadline:
                time.sleep(float(reply.headers["retry-after"]))
                continue
            _refused(reply)
            return reply.json()


def _refused(reply: httpx.Response) -> None:
    """An answer of 400 or more, as the CLI's error: its status and the API's message."""
    if reply.status_code < 400:
        return
    try:
        message = reply.json().get("message", reply.text)
    except ValueError:
        message = reply.text[:200]
    raise CliError(f"{reply.status_code}: {message}")


def _print(args: argparse.Namespace, value: Any, text: str) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False) if args.json else text)


def _follow(api: Api, batch: dict[str, Any], quiet: bool) -> dict[str, Any]:
    """Waits for the batch's final status, with a progress bar fed by the WebSocket (polling if it fails)."""
    ws_url = api.target.url.replace("http", "ws", 1) + "/v1/ws"
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        disable=quiet, transient=False,
    ) as progress:  # fmt: skip
        task = progress.add_task(batch["name"][:40], total=batch["totalFiles"])
        try:
            with connect(ws_url, additional_headers={"X-API-Key": api.target.api_key}, open_timeout=10) as ws:
                ws.send(json.dumps({"action": "subscribe", "batchId": batch["id"], "projectId": batch["projectId"]}))
                while True:
                    event = json.loads(ws.recv(timeout=30))
                    if event.get("event") == "error":
                        raise CliError(event.get("message", "the live progress was refused"))
                    done = event.get("completedFiles", 0) + event.get("failedFiles", 0)
                    progress.update(task, completed=done)
                    if event.get("status") in FINAL:
                        break
        except (WebSocketException, OSError, TimeoutError):
            pass  # live progress is a convenience: the batch's own status below is the truth
        while True:
            current: dict[str, Any] = api.json("GET", f"/v1/openapi/batch/{batch['id']}")
            progress.update(task, completed=current["completedFiles"] + current["failedFiles"])
            if current["status"] in FINAL:
                return current
            time.sleep(1.0)


def _export(api: Api, batch_id: str, fmt: str, out: str) -> None:
    with api.client.stream(
        "GET", f"/v1/openapi/batch/{batch_id}/export", params={"format": fmt, **_project(api)}
    ) as reply:
        if reply.status_code >= 400:
            reply.read()
            raise CliError(f"{reply.status_code}: {reply.json().get('message', '')}")
        with open(out, "wb") as fh:
            for part in reply.iter_bytes():
                fh.write(part)


def _project(api: Api) -> dict[str, str]:
    return {"projectId": api.target.project_id} if api.target.project_id else {}


def submit(api: Api, args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CliError(f"not a file: {', '.join(missing)}")
    if args.export and not args.output:
        raise CliError("--export needs -o/--output")
    fields = (
        ("templateId", args.template),
        ("templateIds", ",".join(args.classify)),
        ("name", args.name),
        ("priority", args.priority),
        ("locale", args.locale),
        ("quality", args.quality),
        ("pages", args.pages),
    )
    data = {k: v for k, v in fields if v}
    handles = [p.open("rb") for p in paths]

    def request() -> dict[str, Any]:
        for h in handles:  # a second send reads the files from their start again
            h.seek(0)
        files = [
            ("files", (p.name, h, mimetypes.guess_type(p.name)[0] or "application/octet-stream"))
            for p, h in zip(paths, handles, strict=True)
        ]
        return {"files": files, "data": data}

    try:
        batch: dict[str, Any] = api.create("/v1/openapi/batch/upload", request)
    finally:
        for h in handles:
            h.close()
    if not (args.wait or args.export):
        _print(args, batch, f"batch {batch['id']}: {batch['totalFiles']} files, {batch['status']}")
        return 0
    final = _follow(api, batch, quiet=args.json)
    if args.export:
        if final["completedFiles"]:
            _export(api, final["id"], args.export, args.output)
        else:
            print("nothing to export: no file completed", file=sys.stderr)
    summary = (
        f"batch {final['id']}: {final['status']} ({final['completedFiles']} completed, {final['failedFiles']} failed)"
    )
    if args.export and final["completedFiles"]:
        summary += f"; {args.export} written to {args.output}"
    _print(args, final, summary)
    return 0 if final["failedFiles"] == 0 else 1


def batches(api: Api, args: argparse.Namespace) -> int:
    if args.action == "list":
        body = api.json("GET", "/v1/openapi/batch", params={"page": args.page, "limit": args.limit})
        rows = [
            f"{b['id']}  {b['status']:<16} {b['completedFiles']}/{b['totalFiles']}  {b['name']}" for b in body["data"]
        ]
        _print(args, body, "\n".join(rows) or "(no batches)")
    elif args.action == "show":
        body = api.json("GET", f"/v1/openapi/batch/{args.batch_id}")
        _print(
            args,
            body,
            "\n".join(f"{k}: {v}" for k, v in body.items() if k not in ("uploadIds", "processingHistoryIds")),
        )
    elif args.action == "export":
        _export(api, args.batch_id, args.format, args.output)
        _print(
            args, {"batchId": args.batch_id, "format": args.format, "output": args.output}, f"written to {args.output}"
        )
    elif args.action == "delete":
        body = api.json("DELETE", f"/v1/openapi/batch/{args.batch_id}")
        _print(args, body, f"batch {args.batch_id} deleted")
    return 0


def _assignment(text: str) -> tuple[str, Any]:
    """`field=value`: the value as typed (the server reads it by the field's type: "12,50", "2024-05-18"), or
    JSON where it starts like a table's rows ("[{…}]") or is null."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise CliError(f"expected field=value, got {text!r}")
    if value.strip()[:1] in "[{" and value.strip() or value.strip() == "null":
        try:
            return name.strip(), json.loads(value)
        except ValueError as exc:
            raise CliError(f"{name.strip()}: not valid JSON ({exc})") from None
    return name.strip(), value


def correct(api: Api, args: argparse.Namespace) -> int:
    fields = dict(_assignment(text) for text in args.assignments)
    if not fields and not args.approve:
        raise CliError("give field=value corrections, or --approve")
    body = api.json(
        "PATCH", f"/v1/openapi/processing-history/{args.record_id}", json={"fields": fields, "approve": args.approve}
    )
    changed = ", ".join(f"{name}={json.dumps(body['processingResult'].get(name))}" for name in fields)
    state = "approved" if args.approve else "needs review" if body.get("needsReview") else "no review needed"
    _print(args, body, f"record {body['id']}: {changed or 'no field changed'}; {state}")
    return 0


def corrections(api: Api, args: argparse.Namespace) -> int:
    body = api.json("GET", f"/v1/openapi/processing-history/{args.record_id}/corrections")
    rows = [
        f"{c['at']}  {c['by']:<28} {c['kind']:<10} "
        + (f"{c['field']}: {json.dumps(c['old'])} → {json.dumps(c['new'])}" if c.get("field") else "")
        for c in body["data"]
    ]
    _print(args, body, "\n".join(rows) or "(no changes)")
    return 0


def history(api: Api, args: argparse.Namespace) -> int:
    if args.action == "correct":
        return correct(api, args)
    if args.action == "corrections":
        return corrections(api, args)
    params: dict[str, Any] = {"page": args.page, "limit": args.limit}
    if args.batch:
        params["batchId"] = args.batch
    if args.status:
        params["status"] = args.status
    if args.needs_review:
        params["needsReview"] = "true"
    body = api.json("GET", "/v1/openapi/processing-history", params=params)
    rows = [
        f"{r['id']}  {r['status']:<12} {'review ' if r.get('needsReview') else ''}{r['fileName']}"
        + (f"  ({r['error']})" if r.get("error") else "")
        for r in body["data"]
    ]
    _print(args, body, "\n".join(rows) or "(no records)")
    return 0


def retry(api: Api, args: argparse.Namespace) -> int:
    params = {"discardCorrections": "true"} if args.discard_corrections else {}
    body = api.json("POST", f"/v1/openapi/processing-history/{args.record_id}/retry", params=params)
    _print(args, body, f"record {body['id']} is {body['status']} again")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="", help="the gateway (default: $OCRBATCH_URL or the local stack)")
    common.add_argument("--api-key", default="", help="an API key (default: $OCRBATCH_API_KEY or the local stack's)")
    common.add_argument("--project", default="", help="projectId, for an organization key")
    common.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("submit", parents=[common], help="upload files as a batch; --wait to follow it")
    p.add_argument("files", nargs="+")
    p.add_argument("--template", default="", help="a template id, e.g. invoice, receipt, generic")
    p.add_argument(
        "--classify",
        nargs="+",
        default=[],
        metavar="TEMPLATE",
        help="instead of --template: templates each file (each document in a PDF) is classified among",
    )
    p.add_argument("--name", default="")
    p.add_argument("--priority", choices=PRIORITIES, default="")
    p.add_argument(
        "--locale", default="", help="BCP 47, e.g. en-US: how dates and amounts are read where a page does not tell"
    )
    p.add_argument(
        "--quality",
        choices=QUALITIES,
        default="",
        help="accurate or fast: the OCR models that read the pages (default: the template's, else the workers')",
    )
    p.add_argument("--pages", default="", help="which pages of each file to read, e.g. 1-3,5 (default: every page)")
    p.add_argument("--wait", action="store_true", help="show progress until the batch is final")
    p.add_argument("--export", choices=FORMATS, help="when final, write the combined results in this format")
    p.add_argument("-o", "--output", default="", help="the file --export writes")

    b = sub.add_parser("batches", help="your batches").add_subparsers(dest="action", required=True)
    listing = b.add_parser("list", parents=[common])
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--limit", type=int, default=20)
    for name in ("show", "delete"):
        b.add_parser(name, parents=[common]).add_argument("batch_id")
    export = b.add_parser("export", parents=[common])
    export.add_argument("batch_id")
    export.add_argument("--format", choices=FORMATS, default="json")
    export.add_argument("-o", "--output", required=True)

    h = sub.add_parser("history", help="the processing history").add_subparsers(dest="action", required=True)
    hl = h.add_parser("list", parents=[common])
    hl.add_argument("--batch", default="")
    hl.add_argument("--status", default="")
    hl.add_argument("--needs-review", action="store_true")
    hl.add_argument("--page", type=int, default=1)
    hl.add_argument("--limit", type=int, default=20)

    hc = h.add_parser("correct", parents=[common], help="set fields of a completed record, and/or approve it")
    hc.add_argument("record_id")
    hc.add_argument("assignments", nargs="*", metavar="field=value", help="e.g. total=12,50 date=2024-05-18")
    hc.add_argument("--approve", action="store_true", help="the record is reviewed: it no longer needs review")
    h.add_parser("corrections", parents=[common], help="every change people made to a record").add_argument("record_id")

    r = sub.add_parser("retry", parents=[common], help="read a failed or completed file again")
    r.add_argument("record_id")
    r.add_argument(
        "--discard-corrections", action="store_true", help="the new reading replaces people's corrections too"
    )


COMMANDS = {"submit": submit, "batches": batches, "history": history, "retry": retry}


def run(args: argparse.Namespace) -> int:
    try:
        api = Api(target_of(args))
        return COMMANDS[args.command](api, args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 2
