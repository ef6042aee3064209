"""Reading a batch upload's multipart form, checking its limits, and streaming it to BatchService.CreateBatch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from google.protobuf import struct_pb2
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ocrbatch.v1 import batch_pb2, common_pb2
from services.common.locales import LocaleError, canonical_locale
from services.common.page_ranges import PageRangeError, canonical, page_count, parse_pages, past_the_end
from services.common.qualities import QualityError, checked_quality
from services.gateway.errors import ApiError
from services.gateway.settings import GatewaySettings

MULTIPART_OVERHEAD_BYTES = 1024 * 1024


class UploadTooLarge(MultiPartException):
    """A file or the whole body went over its limit while streaming in: 413, nothing more is read."""


class LimitedMultiPartParser(MultiPartParser):
    """Starlette's streaming multipart parser, counting each file's bytes and the body's as they arrive."""

    def __init__(self, *args: Any, max_file_bytes: int, max_total_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_file_bytes = max_file_bytes
        self._max_total_bytes = max_total_bytes
        self._part_bytes = 0
        self._total_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._part_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._part_bytes += end - start
        self._total_bytes += end - start
        if self._current_part.file is not None and self._part_bytes > self._max_file_bytes:
            name = self._current_part.file.filename
            raise UploadTooLarge(f"file {name!r} is larger than {_mb(self._max_file_bytes / 1024 / 1024)}")
        if self._total_bytes > self._max_total_bytes:
            raise UploadTooLarge(f"the upload is larger than {_mb(self._max_total_bytes / 1024 / 1024)} in all")
        super().on_part_data(data, start, end)


@dataclass
class BatchForm:
    files: list[UploadFile]
    project_id: str | None
    template_id: str
    template_ids: list[str]  # instead of template_id: each file (each document in a PDF) gets the best fit
    name: str
    metadata: dict[str, Any]
    priority: str
    locale: str  # canonical BCP 47, "" when none was given
    quality: str  # accurate | fast; "" when none was given
    page_range: str  # the pages of each file to read, canonical ("1-3,5"); "" for every page


def checked_locale(value: str) -> str:
    """A `locale` field in its canonical form ("en_us" → "en-US"; "" when none), or a 400 naming it."""
    try:
        return canonical_locale(value)
    except LocaleError as exc:
        raise ApiError(400, f"locale: {exc}") from None


def checked_quality_field(value: str) -> str:
    """A `quality` field (accurate, fast; "" when none), or a 400 naming it."""
    try:
        return checked_quality(value)
    except QualityError as exc:
        raise ApiError(400, f"quality: {exc}") from None


def checked_page_range(value: str) -> list[int]:
    """A `pages` field's page numbers ([] for every page), or a 400 naming it."""
    try:
        return parse_pages(value)
    except PageRangeError as exc:
        raise ApiError(400, f"pages: {exc}") from None


def _read_whole(upload: UploadFile) -> bytes:
    upload.file.seek(0)
    data = upload.file.read()
    upload.file.seek(0)
    return data


async def check_pages_exist(form: BatchForm) -> None:
    """A 400 naming the first file the page range runs past the end of, with its page count. The files are
    whole here (spooled by the parser), so the range is checked before anything is stored or charged."""
    pages = parse_pages(form.page_range)
    if not pages:
        return
    for upload in form.files:
        count = await asyncio.to_thread(lambda u=upload: page_count(_read_whole(u)))
        why = past_the_end(pages, count)
        if why:
            raise ApiError(400, f"pages: {why} ({upload.filename or 'unnamed'})")


def _mb(value: float) -> str:
    return f"{value:g} MB"


async def read_batch_form(
    request: Request, settings: GatewaySettings, file_field: str = "files"
) -> tuple[FormData, BatchForm]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(400, "the request must be multipart/form-data with one or more `files` parts")
    max_file_bytes = int(settings.max_file_mb * 1024 * 1024)
    max_upload_bytes = int(settings.max_upload_mb * 1024 * 1024)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_upload_bytes + MULTIPART_OVERHEAD_BYTES:
        raise ApiError(413, f"the upload is larger than {_mb(settings.max_upload_mb)} in all")
    parser = LimitedMultiPartParser(
        request.headers,
        request.stream(),
        max_files=settings.max_files_per_batch,
        max_fields=32,
        max_part_size=settings.max_metadata_kb * 1024,
        max_file_bytes=max_file_bytes,
        max_total_bytes=max_upload_bytes,
    )
    try:
        form = await parser.parse()
    except UploadTooLarge as exc:
        raise ApiError(413, exc.message) from None
    except MultiPartException as exc:
        if "Too many files" in exc.message:
            raise ApiError(400, f"a batch holds at most {settings.max_files_per_batch} files") from None
        if "exceeded maximum size" in exc.message:
            raise ApiError(400, f"a form field (metadata) is larger than {settings.max_metadata_kb} KB") from None
        raise ApiError(400, f"malformed multipart body: {exc.message}") from None
    try:
        checked = _checked_form(form, file_field)
        await check_pages_exist(checked)
        return form, checked
    except ApiError:
        await form.close()
        raise


def _checked_form(form: FormData, file_field: str) -> BatchForm:
    """The form's files and fields, or a 400 naming what is wrong (sizes were checked while parsing)."""
    files = [f for f in form.getlist(file_field) if isinstance(f, UploadFile)]
    if not files:
        raise ApiError(400, f"no files: send one or more files in `{file_field}` parts")
    if file_field == "file" and len(files) > 1:
        raise ApiError(400, "send one `file` per request, or use the batch upload for several")
    if file_field == "file" and _text(form, "fileName"):
        files[0].filename = _text(form, "fileName")
    metadata_raw = _text(form, "metadata")
    try:
        metadata = json.loads(metadata_raw) if metadata_raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"metadata is not valid JSON: {exc.msg} at position {exc.pos}") from None
    if not isinstance(metadata, dict):
        raise ApiError(400, "metadata must be a JSON object")
    return BatchForm(
        files=files,
        project_id=_text(form, "projectId") or None,
        template_id=_text(form, "templateId"),
        template_ids=_names(form, "templateIds"),
        name=_text(form, "name")[:200],
        metadata=metadata,
        priority=_text(form, "priority"),
        locale=checked_locale(_text(form, "locale")),
        quality=checked_quality_field(_text(form, "quality")),
        page_range=canonical(checked_page_range(_text(form, "pages"))),
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _names(form: FormData, name: str) -> list[str]:
    """A list field: repeated, comma-separated, or a JSON array of strings."""
    out: list[str] = []
    for value in form.getlist(name):
        if not isinstance(value, str) or not value.strip():
            continue
        if value.strip().startswith("["):
            try:
                items = json.loads(value)
            except json.JSONDecodeError as exc:
                raise ApiError(400, f"{name} is not a valid JSON array: {exc.msg}") from None
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ApiError(400, f"{name} must be a JSON array of strings")
            out += [i.strip() for i in items if i.strip()]
        else:
            out += [i.strip() for i in value.split(",") if i.strip()]
    return out


async def create_batch_requests(
    form: BatchForm, scope: common_pb2.Scope, chunk_bytes: int
) -> AsyncIterator[batch_pb2.CreateBatchRequest]:
    metadata = struct_pb2.Struct()
    metadata.update(form.metadata)
    yield batch_pb2.CreateBatchRequest(
        header=batch_pb2.BatchHeader(
            scope=scope,
            name=form.name,
            template_id=form.template_id,
            template_ids=form.template_ids,
            metadata=metadata,
            priority=form.priority,
            file_count=len(form.files),
            locale=form.locale,
            quality=form.quality,
            page_range=form.page_range,
        )
    )
    for f in form.files:
        yield batch_pb2.CreateBatchRequest(
            file=batch_pb2.FileHeader(file_name=f.filename or "unnamed", mime_type=f.content_type or "")
        )
        while chunk := await f.read(chunk_bytes):
            yield batch_pb2.CreateBatchRequest(chunk=chunk)
