"""The export formats: name → content type, file extension and renderer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from ocrbatch.v1 import common_pb2
from services.export.renderers import csv_renderer, json_renderer
from services.export.source import RecordSource

Renderer = Callable[[common_pb2.Batch | None, RecordSource], AsyncIterator[bytes]]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    content_type: str
    extension: str
    render: Renderer


FORMATS: dict[str, ExportFormat] = {
    module_name: ExportFormat(module_name, module.CONTENT_TYPE, module.EXTENSION, module.render)
    for module_name, module in (("json", json_renderer), ("csv", csv_renderer))
}
