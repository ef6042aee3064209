"""Export throughput and the export service's memory for 50, 500 and 5000 records in every format.

Seeds completed records straight into a SecantusDB, runs the batch and export services as processes,
calls ExportBatch over gRPC and samples the export process's RSS every 10 ms.
Usage: python -m bench.export [--sizes 50,500,5000] [--formats json,csv,...]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from ocrbatch.v1 import common_pb2
from services.export.formats import FORMATS
from tests.support.export_probe import run_export
from tests.support.processes import start_batch_service, start_export_service, start_nats, start_secantus
from tests.support.seed import seed_completed_batch

ORG, PROJECT = "bench-org", "bench-project"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500,5000")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "logs"
        mongo, uri = start_secantus(logs)
        nats, nats_url = start_nats(Path(tmp) / "nats", logs)
        batch, batch_target = start_batch_service(logs, nats_url, uri, OCRBATCH_MONGODB_DB="bench")
        export, export_target = start_export_service(logs, batch_target)
        try:
            scope = common_pb2.Scope(organization_id=ORG, project_id=PROJECT)
            header = f"{'format':<7}{'records':>8}{'MB':>9}{'seconds':>9}{'MB/s':>8}"
            print(header + f"{'first byte s':>14}{'RSS growth MB':>15}")
            for size in sizes:
                batch_id = asyncio.run(seed_completed_batch(uri, "bench", ORG, PROJECT, size))
                for fmt in formats:
                    run = run_export(export_target, export.process.pid, scope, batch_id, fmt)
                    print(
                        f"{fmt:<7}{size:>8}{len(run.data) / 1e6:>9.2f}{run.seconds:>9.2f}{run.mb_per_s:>8.2f}"
                        f"{run.first_byte_s:>14.3f}{run.growth_mb:>15.1f}",
                        flush=True,
                    )
        finally:
            for proc in (export, batch, nats, mongo):
                proc.stop()


if __name__ == "__main__":
    main()
