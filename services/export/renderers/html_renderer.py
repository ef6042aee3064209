"""HTML export: a readable page with a section per file (fields table and recognised text), escaped."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

from services.export.document import ExportDoc, display, rows
from services.export.renderers.markup import clean

CONTENT_TYPE = "text/html"
EXTENSION = "html"
PAGES = False  # the recognised pages are not shown
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}"
    "pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem}"
)


def esc(text: str) -> str:
    return html.escape(clean(text), quote=True)


async def render(doc: ExportDoc) -> AsyncIterator[bytes]:
    head = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(doc.title)}</title>'
        f"<style>{STYLE}</style></head><body>\n<h1>{esc(doc.title)}</h1>\n"
    )
    if doc.batch is not None:
        b = doc.batch
        head += f"<p>{b.completed_files} completed, {b.failed_files} failed of {b.total_files} files</p>\n"
    yield head.encode()
    async for row in rows(doc):
        cells = "".join(
            f"<tr><th>{esc(name)}</th><td>{esc(display(row.values[name]))}</td></tr>"
            for name in doc.fields
            if name in row.values
        )
        yield (
            f'<section id="record-{esc(row.id)}"><h2 dir="auto">{esc(row.file_name)}</h2>'
            f"<p>Status: {esc(row.status)}</p>"
            + (f"<table>{cells}</table>" if cells else "")
            + f'<pre dir="auto">{esc(row.text)}</pre></section>\n'
        ).encode()
    yield b"</body></html>\n"
