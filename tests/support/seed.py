"""Seeds a batch of completed records straight into the batch service's store (export tests and benchmarks)."""

from __future__ import annotations

from datetime import UTC, datetime

from PIL import ImageDraw
from pymongo import AsyncMongoClient

from ocrbatch.v1 import common_pb2
from services.batch.adapters.mongo.batches import MongoBatches
from services.batch.adapters.mongo.blobs import GridFsBlobs
from services.batch.adapters.mongo.database import Database
from services.batch.domain.model import Batch, Record
from services.batch.domain.rules import RecordStatus
from tests.support.documents import Invoice, font, invoice_image, jpeg_bytes

TEXT = (
    "INVOICE\nInvoice No: {number}\nDate: 31/03/2026\nVendor: Müller & Søn GmbH — 東京支店 — שלום\n"
    "Description            Qty     Unit price\n"
    + "\n".join(f"Consulting services, phase {i}    {i}    1,250.00" for i in range(1, 13))
    + "\nTotal: {total} EUR\n"
)


def scanned_page(number: str) -> tuple[bytes, common_pb2.Page]:
    """A small scanned invoice (JPEG) and its recognised page: each of its text lines, on the box it is drawn in."""
    invoice = Invoice(number=number, total="1,250.00")
    image = invoice_image(invoice, width=600, height=520, font_size=16)
    page = common_pb2.Page(number=1, width=image.width, height=image.height, source="ocr")
    y = 50
    for index, text in enumerate(invoice.lines()):  # where invoice_image draws them
        size = 16 + 10 if index == 0 else 16
        left, top, right, bottom = ImageDraw.Draw(image).textbbox((60, y), text, font=font(size))
        corners = ((left, top), (right, top), (right, bottom), (left, bottom))
        page.lines.append(
            common_pb2.Line(text=text, confidence=0.99, box=[common_pb2.Point(x=x, y=y) for x, y in corners])
        )
        y += int(size * 1.9)
    return jpeg_bytes(image, quality=60), page


async def seed_completed_batch(mongodb_uri: str, db_name: str, org: str, project: str, count: int) -> str:
    """A batch of `count` completed records with template fields and about 900 characters of text each; every
    record's upload is one small scanned invoice (one stored JPEG, shared) with its recognised page."""
    client: AsyncMongoClient = AsyncMongoClient(mongodb_uri, tz_aware=True)
    database = Database(client, db_name)
    await database.ensure_indexes()
    batches = MongoBatches(database)
    jpeg, page = scanned_page("INV-SCAN-1")
    writer = await GridFsBlobs(database).open_writer("scan.jpg", "image/jpeg")
    await writer.write(jpeg)
    blob = await writer.finish()
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
                file_name=f"invoice-{i:05d}.jpg",
                mime_type="image/jpeg",
                file_size=blob.size,
                blob_id=blob.blob_id,
                pages=[page],
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
