"""`ocrbatch up` (and `make up`): run the whole stack locally until Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from services.local.stack import LocalStack, StackConfig, StackError


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    if not raw.isdigit():
        raise SystemExit(f"{name} must be a whole number, got {raw!r}")
    return int(raw)


def up() -> int:
    config = StackConfig(
        home=Path(os.environ.get("OCRBATCH_HOME", ".ocrbatch")).resolve(),
        http_port=_int_env("OCRBATCH_HTTP_PORT", 8080),
        workers=max(1, _int_env("OCRBATCH_WORKERS", 1)),
        log_dir=Path(os.environ["OCRBATCH_LOG_DIR"]).resolve() if os.environ.get("OCRBATCH_LOG_DIR") else None,
        nats_url=os.environ.get("NATS_URL") or None,
        mongodb_uri=os.environ.get("MONGODB_URI") or None,
    )
    stack = LocalStack(config)
    stop = stack.interrupted
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"starting ocrbatch in {config.home} with {config.workers} worker(s)…", flush=True)
    try:
        info = stack.start()
    except StackError as exc:
        print(f"ocrbatch could not start: {exc}", file=sys.stderr)
        return 1
    print(
        "\nocrbatch is running\n"
        f"  gateway:    {info['url']}\n"
        f"  API key:    {info['apiKey']}\n"
        f"  project id: {info['projectId']}\n"
        f"  try:        curl -H 'X-API-Key: {info['apiKey']}' {info['url']}/v1/openapi/batch\n"
        "Press Ctrl-C to stop.\n",
        flush=True,
    )
    code = 0
    while not stop.wait(0.5):
        dead = stack.exited()
        if dead is not None:
            print(f"{dead.name} exited with code {dead.process.returncode}; stopping everything", file=sys.stderr)
            code = 1
            break
    print("stopping ocrbatch…", flush=True)
    stack.stop()
    print("stopped.", flush=True)
    return code
