"""Runs one OCR worker process: python -m services.worker."""

import asyncio

from services.common.logs import configure_logging
from services.common.settings import settings_or_exit
from services.worker.bootstrap import serve
from services.worker.settings import WorkerSettings


def main() -> None:
    settings = settings_or_exit(WorkerSettings)
    configure_logging("worker", settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
