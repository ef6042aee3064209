"""`ocrbatch up` (and `make up`): run the whole stack locally until Ctrl-C."""

from __future__ import annotations

import signal
import sys

from services.common.settings import InvalidSettings, from_environment
from services.local.settings import LocalSettings
from services.local.stack import LocalStack, StackConfig, StackError


def up() -> int:
    try:
        settings = from_environment(LocalSettings)
    except InvalidSettings as exc:
        print(f"ocrbatch: {exc}", file=sys.stderr)
        return 2
    config = StackConfig(
        home=settings.home.resolve(),
        http_port=settings.http_port,
        workers=settings.workers,
        log_dir=settings.log_dir.resolve() if settings.log_dir else None,
        nats_url=settings.nats_url or None,
        mongodb_uri=settings.mongodb_uri or None,
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
        f"  console:         {info['url']}/console/\n"
        f"  gateway:         {info['url']}\n"
        f"  API docs:        {info['docsUrl']}\n"
        f"  organization id: {info['organizationId']}\n"
        f"  project id:      {info['projectId']}\n"
        f"  API key:         {info['apiKey']}\n"
        f"  metrics:         {', '.join(f'{name} {url}' for name, url in info['metrics'].items())}\n"
        f"  try:             .venv/bin/ocrbatch submit invoice.pdf --template invoice --wait --export csv -o out.csv\n"
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
