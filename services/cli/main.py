"""Entry point of the `ocrbatch` command."""

from __future__ import annotations

import argparse
import logging
import sys

from services.cli import admin, user
from services.local.cli import up


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message}\n")  # usage errors: one line, exit 2


def main() -> None:
    # `up` narrates the stack; the other commands print only their answer (and one line on error)
    quiet = len(sys.argv) > 1 and sys.argv[1] != "up"
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s local %(levelname)s %(message)s"
    )
    parser = _Parser(prog="ocrbatch", description="ocrbatch command-line tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the whole stack locally until Ctrl-C")
    admin.add_parser(sub)
    user.add_parsers(sub)
    args = parser.parse_args()
    if args.command == "up":
        raise SystemExit(up())
    raise SystemExit(admin.run(args) if args.command == "admin" else user.run(args))


if __name__ == "__main__":
    main()
