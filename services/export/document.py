"""What every renderer receives: the batch (or nothing, for one record), its field columns, and the records."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ocrbatch.v1 import common_pb2
from services.common.convert import record_status_name, struct_to_dict
from services.common.flatten import flatten, ordered_columns
from services.export.source import RecordStream


@dataclass
class ExportDoc:
    title: str
    batch: common_pb2.Batch | None
    fields: list[str]
    records: RecordStream  # read once
    pdf_font: str = ""  # a TrueType file for PDF text; empty: the first system font found
    original: Callable[[str], Awaitable[bytes | None]] | None = None  # a record's upload by its id; None: gone


@dataclass
class RecordRow:
    """One record as the formats show it: identity, status, flattened template fields, text."""

    id: str
    file_name: str
    status: str
    template_name: str
    values: dict[str, Any] = field(default_factory=dict)
    nested: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    record: common_pb2.Record | None = None


def row_of(record: common_pb2.Record) -> RecordRow:
    nested = struct_to_dict(record.processing_result) if record.HasField("processing_result") else {}
    return RecordRow(
        id=record.id,
        file_name=record.file_name,
        status=record_status_name(record.status),
        template_name=record.template_name,
        values=flatten(nested),
        nested=nested,
        text=record.text,
        record=record,
    )


def part_rows(record: common_pb2.Record) -> list[RecordRow]:
    """A file of several documents (a portfolio PDF, classified): each document is a row of its own, named by
    its pages, with its type's template and its own fields and text."""
    texts = record.text.split("\n\n")  # the pipeline joins the pages' texts with a blank line, in page order
    out, read = [], 0
    for part in record.parts:
        count = part.end_page - part.start_page + 1
        nested = struct_to_dict(part.processing_result) if part.HasField("processing_result") else {}
        pages = f"page {part.start_page}" if count == 1 else f"pages {part.start_page}-{part.end_page}"
        out.append(
            RecordRow(
                id=part.id,
                file_name=f"{record.file_name} ({pages})",
                status=record_status_name(record.status),
                template_name=part.template_name or part.type,
                values=flatten(nested),
                nested=nested,
                text="\n\n".join(texts[read : read + count]) if len(texts) >= read + count else "",
                record=record,
            )
        )
        read += count
    return out


async def rows(doc: ExportDoc) -> AsyncIterator[RecordRow]:
    async for record in doc.records:
        if len(record.parts) > 1:
            for row in part_rows(record):
                yield row
        else:
            yield row_of(record)


def record_columns(record: common_pb2.Record) -> list[str]:
    """One record's field columns: its fields, or those of every document in it."""
    names: dict[str, None] = {}
    results = [p.processing_result for p in record.parts] if len(record.parts) > 1 else [record.processing_result]
    for result in results:
        names.update(dict.fromkeys(flatten(struct_to_dict(result))))
    return ordered_columns(list(names))


def display(value: Any) -> str:
    """A field value as a person reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
