"""The export formats: name → content type, file extension and renderer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from services.export.document import ExportDoc
from services.export.renderers import (
    csv_renderer,
    docx_renderer,
    html_renderer,
    json_renderer,
    pdf_renderer,
    searchable_pdf_renderer,
    text_renderer,
    xlsx_renderer,
    xml_renderer,
)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    content_type: str
    extension: str
    render: Callable[[ExportDoc], AsyncIterator[bytes]]
    pages: bool  # whether the format shows the recognised pages (they are read only then)


FORMATS: dict[str, ExportFormat] = {
    name: ExportFormat(name, module.CONTENT_TYPE, module.EXTENSION, module.render, module.PAGES)
    for name, module in (
        ("json", json_renderer),
        ("csv", csv_renderer),
        ("text", text_renderer),
        ("xml", xml_renderer),
        ("html", html_renderer),
        ("pdf", pdf_renderer),
        ("docx", docx_renderer),
        ("xlsx", xlsx_renderer),
        ("searchable-pdf", searchable_pdf_renderer),
    )
}
