"""Seeds a batch of completed records straight into the batch service's store (export tests and benchmarks)."""

from __future__ import annotations

from datetime import UTC, datetime

from pymongo import AsyncMongoClient

from services.batch.adapters.mongo_store import MongoStore

TEXT = (
    "INVOICE\nInvoice No: {number}\nDate: 31/03/2026\nVendor: Müller & Søn GmbH — 東京支店 — שלום\n"
    "Description            Qty     Unit price\n"
    + "\n".join(f"Consulting services, phase {i}    {i}    1,250.00" for i in range(1, 13))
    + "\nTotal: {total} EUR\n"
)


async def seed_completed_batch(mongodb_uri: str, db_name: str, org: str, project: str, count: int) -> str:
    """A batch of `count` completed records with template fields and about 900 characters of text each."""
    client: AsyncMongoClient = AsyncMongoClient(mongodb_uri, tz_aware=True)
    store = MongoStore(client, db_name)
    await store.ensure_indexes()
    at = datetime.now(UTC)
    batch_id = store.new_id()
    fields = ["invoiceNumber", "invoiceDate", "vendor", "totalAmount"]
    fields += ["lineItems.0.description", "lineItems.0.quantity"]
    records = []
    for i in range(count):
        number, total = f"INV-{i:05d}", f"{1000 + i},00"
        records.append(
            {
                "id": store.new_id(),
                "batchId": batch_id,
                "seq": i,
                "organizationId": org,
                "projectId": project,
                "fileName": f"invoice-{i:05d}.pdf",
                "mimeType": "application/pdf",
                "fileSize": 50_000,
                "status": "completed",
                "generation": 1,
                "templateName": "invoice",
                "resultFormat": "json",
                "priority": "medium",
                "processingResult": {
                    "invoiceNumber": number,
                    "invoiceDate": "2026-03-31",
                    "vendor": "Müller & Søn GmbH",
                    "totalAmount": 1000.0 + i,
                    "lineItems": [{"description": "Consulting services", "quantity": 1}],
                },
                "text": TEXT.format(number=number, total=total),
                "pages": [],
                "attempts": 1,
                "createdAt": at,
                "updatedAt": at,
                "completedAt": at,
            }
        )
    batch = {
        "id": batch_id,
        "name": f"Export benchmark, {count} invoices",
        "organizationId": org,
        "projectId": project,
        "totalFiles": count,
        "completedFiles": count,
        "failedFiles": 0,
        "status": "completed",
        "progress": 100.0,
        "resultFields": fields,
        "uploadIds": [],
        "processingHistoryIds": [r["id"] for r in records],
        "deletedAt": None,
        "createdAt": at,
        "updatedAt": at,
    }
    await store.insert_batch(batch, [], records)
    await client.close()
    return batch_id
