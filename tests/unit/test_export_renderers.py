"""JSON and CSV renderers: what an exported file holds, and spreadsheet-formula safety."""

import csv
import io
import json

from google.protobuf import struct_pb2

from ocrbatch.v1 import common_pb2
from services.export.renderers import csv_renderer, json_renderer
from services.export.renderers.flatten import flatten, safe_cell


class ListSource:
    """Stands in for the batch service's record stream (a fake behind the RecordSource port)."""

    def __init__(self, records):
        self.records = records
        self.opened = 0

    async def _gen(self):
        for r in self.records:
            yield r

    def open(self, *, text=True, pages=False, limit=0):
        self.opened += 1
        return self._gen()

    async def any(self):
        return bool(self.records)


def record(rid, name, fields, text):
    result = struct_pb2.Struct()
    result.update(fields)
    return common_pb2.Record(
        id=rid, file_name=name, status=common_pb2.RECORD_STATUS_COMPLETED, processing_result=result, text=text
    )


async def collect(gen):
    return b"".join([part async for part in gen])


def test_flatten_gives_dotted_names_for_nested_values():
    assert flatten({"a": {"b": 1}, "items": [{"x": 2}, {"x": 3}], "e": []}) == {
        "a.b": 1,
        "items.0.x": 2,
        "items.1.x": 3,
        "e": "",
    }


def test_cells_that_would_run_as_formulas_are_neutralised():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+1") == "'+1"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell(-2.5) == "-2.5"  # a real number stays a number
    assert safe_cell("INV-1") == "INV-1"


async def test_csv_has_one_row_per_record_and_a_column_per_field():
    source = ListSource(
        [
            record("r1", "a.png", {"invoiceNumber": "INV-1", "vendor": {"name": "=cmd|' /C calc'!A0"}}, "text one"),
            record("r2", "b.pdf", {"invoiceNumber": "INV-2", "totalAmount": 1250.5}, "Grüße 東京 שלום"),
        ]
    )
    rows = list(csv.reader(io.StringIO((await collect(csv_renderer.render(None, source))).decode())))
    assert rows[0] == [
        "recordId",
        "fileName",
        "status",
        "templateName",
        "invoiceNumber",
        "vendor.name",
        "totalAmount",
        "text",
    ]
    assert rows[1][:2] == ["r1", "a.png"] and rows[1][4] == "INV-1"
    assert rows[1][5].startswith("'=")
    assert rows[2][6] == "1250.5" and rows[2][7] == "Grüße 東京 שלום"


async def test_json_export_is_one_document_with_every_record():
    batch = common_pb2.Batch(id="b1", name="March", total_files=2, status=common_pb2.BATCH_STATUS_COMPLETED)
    source = ListSource([record("r1", "a.png", {"n": 1}, "t1"), record("r2", "b.png", {}, "t2")])
    doc = json.loads(await collect(json_renderer.render(batch, source)))
    assert doc["batch"]["id"] == "b1" and doc["batch"]["status"] == "completed"
    assert [r["fileName"] for r in doc["records"]] == ["a.png", "b.png"]
    assert doc["records"][0]["processingResult"] == {"n": 1}
    assert doc["records"][1]["text"] == "t2"
