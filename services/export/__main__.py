"""Runs the export service: python -m services.export."""

import asyncio

from services.common.logs import configure_logging
from services.common.settings import settings_or_exit
from services.export.bootstrap import serve
from services.export.settings import ExportSettings


def main() -> None:
    settings = settings_or_exit(ExportSettings)
    configure_logging("export", settings.log_level)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
