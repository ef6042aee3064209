"""Results applied per second into one large batch: the batch service's result applier (each result sets
its record once and counts it into its batch once) against SecantusDB, as `make up` runs it, with the
database's CPU per result. The first and the last results of the batch are timed apart: a cost that grows
with the batch's size shows as a slower end.

Usage: python -m bench.results [--files 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient

from bench.pipeline import cpu_seconds
from ocrbatch.v1 import jobs_pb2
from services.batch.adapters.mongo.batches import MongoBatches
from services.batch.adapters.mongo.database import Database
from services.batch.domain.model import Batch, Record, Scope
from services.batch.service.results import ResultApplier
from services.local.processes import start_secantus


class NoProgress:
    """Progress events go nowhere: this measures the database side of applying results."""

    async def publish_progress(self, batch_id: str, event: dict[str, Any]) -> None:
        return None


async def apply_all(uri: str, files: int, secantus_pid: int) -> None:
    client: AsyncMongoClient = AsyncMongoClient(uri, tz_aware=True)
    database = Database(client, "bench_results")
    await database.ensure_indexes()
    batches = MongoBatches(database)
    at = datetime.now(UTC)
    batch_id = batches.new_id()
    records = [
        Record(
            id=batches.new_id(), upload_id="", batch_id=batch_id, seq=i, organization_id="org", project_id="proj",
            file_name=f"f{i}.png", file_size=1, mime_type="image/png", blob_id="", created_at=at, updated_at=at,
        )
        for i in range(files)
    ]  # fmt: skip
    batch = Batch(
        id=batch_id, name="results", organization_id="org", project_id="proj", total_files=files,
        record_ids=[r.id for r in records], created_at=at, updated_at=at,
    )  # fmt: skip
    batch.start_processing(at)
    await batches.add(batch, [], records)
    applier = ResultApplier(batches, NoProgress())
    part = max(files // 10, 1)
    timings: list[tuple[float, float]] = []
    for start in range(0, files, part):
        began, cpu = time.perf_counter(), cpu_seconds(secantus_pid)
        for record in records[start : start + part]:
            result = jobs_pb2.OcrResult(
                record_id=record.id, batch_id=batch_id, generation=1, kind=jobs_pb2.RESULT_KIND_COMPLETED,
                delivery=1, text="read", worker_id="bench",
            )  # fmt: skip
            result.processing_result.update({"invoice_number": "INV-1", "total": "10.00"})
            await applier.apply(result)
        timings.append((time.perf_counter() - began, cpu_seconds(secantus_pid) - cpu))
    final = await batches.get(Scope("org", "proj"), batch_id)
    await client.drop_database("bench_results")
    await client.close()
    assert final is not None and final.completed_files == files, final
    total_s = sum(s for s, _ in timings)
    print(f"{files} results into one batch: {files / total_s:.0f} results/s, status {final.status.value}")
    for (seconds, cpu), start in zip(timings, range(0, files, part), strict=False):
        count = min(part, files - start)
        print(
            f"  results {start + 1:>5}–{start + count:<5} {seconds / count * 1000:6.2f} ms each, "
            f"SecantusDB CPU {cpu / count * 1000:6.2f} ms each"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    args = parser.parse_args()
    child, uri = start_secantus(None, None)
    try:
        asyncio.run(apply_all(uri, args.files, child.process.pid))
    finally:
        child.stop()


if __name__ == "__main__":
    main()
