"""Runs the batch service: python -m services.batch."""

import asyncio

from services.batch.bootstrap import serve
from services.batch.settings import BatchSettings
from services.common.logs import configure_logging
from services.common.settings import settings_or_exit


def main() -> None:
    settings = settings_or_exit(BatchSettings)
    configure_logging("batch", settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
