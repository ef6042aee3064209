"""Searchable PDFs of real scans: how many recognised words a viewer finds on their printed boxes (IoU ≥ 0.5), whether
each JPEG is embedded byte for byte, and the time and size of the export per page. The export service's own
renderer, in this process, on the workers' cached readings (tests/support/ocr_cache.py).

Usage: python -m bench.searchable_pdf [--corpus sroie-dev] [--documents 20]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import pypdfium2 as pdfium

from ocrbatch.v1 import common_pb2
from services.export.document import ExportDoc
from services.export.formats import FORMATS
from services.export.source import RecordStream
from tests.support import real_corpora
from tests.support.ocr_cache import default_engine_cache, page_text
from tests.support.pdf_words import words_on_their_boxes


async def _render(record: common_pb2.Record, data: bytes) -> bytes:
    async def original(record_id: str) -> bytes | None:
        return data

    doc = ExportDoc(title=record.file_name, batch=None, fields=[], records=RecordStream(record), original=original)
    return b"".join([part async for part in FORMATS["searchable-pdf"].render(doc)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", choices=real_corpora.CORPORA, default="sroie-dev")
    parser.add_argument("--documents", type=int, default=20)
    args = parser.parse_args()
    cache = default_engine_cache()
    found = total = pages = identical = jpegs = size = 0
    seconds = 0.0
    for doc in real_corpora.load(args.corpus)[: args.documents]:
        data = doc.path.read_bytes()
        read = cache.pages(data)
        record = common_pb2.Record(id=doc.name, file_name=doc.path.name, pages=read, text=page_text(read))
        started = time.perf_counter()
        out = asyncio.run(_render(record, data))
        seconds += time.perf_counter() - started
        size += len(out)
        if data[:3] == b"\xff\xd8\xff":
            jpegs += 1
            identical += data in out
        pdf = pdfium.PdfDocument(out)
        for page, got in zip(pdf, read, strict=False):
            lines = [(line.text, [(p.x, p.y) for p in line.box]) for line in got.lines if len(line.box) == 4]
            right, words = words_on_their_boxes(page, lines, (got.width, got.height))
            found, total, pages = found + right, total + words, pages + 1
    print(f"{args.corpus}: {args.documents} documents, {pages} pages")
    print(f"words on their boxes (IoU ≥ 0.5): {found}/{total} ({found / max(total, 1):.3f})")
    print(f"JPEGs embedded byte for byte: {identical}/{jpegs}")
    print(f"export: {seconds / max(pages, 1) * 1000:.0f} ms a page, {size / max(pages, 1) / 1024:.0f} KB a page")


if __name__ == "__main__":
    main()
