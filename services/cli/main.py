"""Entry point of the `ocrbatch` command."""

from __future__ import annotations

import argparse
import logging

from services.cli import admin
from services.local.cli import up


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s local %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(prog="ocrbatch", description="ocrbatch command-line tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the whole stack locally until Ctrl-C")
    admin.add_parser(sub)
    args = parser.parse_args()
    raise SystemExit(up() if args.command == "up" else admin.run(args))


if __name__ == "__main__":
    main()
