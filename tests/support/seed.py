"""Seeds a batch of completed records straight into the batch service's store (export tests and benchmarks)."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from services.batch.adapters.mongo.batches import MongoBatches
from services.batch.adapters.mongo.database import Database
from services.batch.domain.model import Batch, Record
from services.batch.domain.rules import RecordStatus

TEXT = (
    "INVOICE\nInvoice No: {number}\nDate: 31/03/2026\nVendor: Müller & Søn GmbH — 東京支店 — שלום\n"
    "Description            Qty     Unit price\n"
    + "\n".join(f"Consulting services, phase {i}    {i}    1,250.00" for i in range(1, 13))
    + "\nTotal: {total} EUR\n"
)


async def seed_completed_batch(mongodb_uri: str, db_name: str, org: str, project: str, count: int) -> str:
    """A batch of `count` completed records with template fields and about 900 characters of text each."""
    client: AsyncMongoClient = AsyncMongoClient(mongodb_uri, tz_aware=True)
    database = Database(client, db_name)
    await database.ensure_indexes()
    batches = MongoBatches(database)
    at = datetime.now(UTC)
    batch_id = batches.new_id()
    records = []
    for i in range(count):
        number, total = f"INV-{i:05d}", f"{1000 + i},00"
        records.append(
            Record(
                id=batches.new_id(),
                upload_id="",
                batch_id=batch_id,
                seq=i,
                organization_id=org,
                project_id=project,
                file_name=f"invoice-{i:05d}.pdf",
                mime_type="application/pdf",
                file_size=50_000,
                blob_id="",
                status=RecordStatus.COMPLETED,
                template_name="invoice",
                processing_result={
                    "invoiceNumber": number,
                    "invoiceDate": "2026-03-31",
                    "vendor": "Müller & Søn GmbH",
                    "totalAmount": 1000.0 + i,
                    "lineItems": [{"description": "Consulting services", "quantity": 1}],
                },
                text=TEXT.format(number=number, total=total),
                attempts=1,
                created_at=at,
                updated_at=at,
                completed_at=at,
            )
        )
    batch = Batch(
        id=batch_id,
        name=f"Export benchmark, {count} invoices",
        organization_id=org,
        project_id=project,
        total_files=count,
        record_ids=[r.id for r in records],
        created_at=at,
        updated_at=at,
    )
    for record in records:
        batch.count(record, at)
    await batches.add(batch, [], records)
    await client.close()
    return batch_id
