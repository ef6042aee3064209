"""OCR output cached on disk by file hash and engine, so iterating on extraction never re-runs OCR.

The cache is a local folder outside git (`.cache/ocr/` by default, `OCRBATCH_OCR_CACHE` to move it):
one file per (engine, sha256 of the file's bytes), holding the recognised pages as length-prefixed
`ocrbatch.v1.Page` messages. Delete the folder to start over.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from ocrbatch.v1 import common_pb2
from services.worker import row_text
from services.worker.documents import Limits
from services.worker.engine.port import OcrEngine
from services.worker.pipeline import read_document

DEFAULT_DIR = Path(__file__).resolve().parents[2] / ".cache" / "ocr"


def cache_dir() -> Path:
    return Path(os.environ.get("OCRBATCH_OCR_CACHE", DEFAULT_DIR))


def engine_key(engine_name: str) -> str:
    """The engine's name and the version of the package that runs it: a new model is a new cache."""
    return f"{engine_name}-{version('rapidocr')}"


def _encode(pages: list[common_pb2.Page]) -> bytes:
    out = bytearray()
    for page in pages:
        data = page.SerializeToString()
        out += struct.pack(">I", len(data)) + data
    return bytes(out)


def _decode(blob: bytes) -> list[common_pb2.Page]:
    pages, offset = [], 0
    while offset < len(blob):
        (size,) = struct.unpack_from(">I", blob, offset)
        offset += 4
        pages.append(common_pb2.Page.FromString(blob[offset : offset + size]))
        offset += size
    return pages


def default_engine_cache(threads: int = 2, **overrides: Any) -> OcrCache:
    """A cache of what the workers' engine reads: as OCRBATCH_OCR_ENGINE and its settings configure it, or
    with some settings overridden (ocr_model="tiny")."""
    from services.worker.engine.rapidocr_engine import configured_engine, configured_engine_name
    from services.worker.settings import WorkerSettings

    settings = WorkerSettings(**overrides)
    return OcrCache(lambda: configured_engine(settings, threads), configured_engine_name(settings))


class OcrCache:
    """Pages of a file, read from the cache or recognised once by an engine made on first need."""

    def __init__(self, make_engine: Callable[[], OcrEngine], engine_name: str, folder: Path | None = None) -> None:
        self._make_engine = make_engine
        self._engine: OcrEngine | None = None
        self.folder = (folder or cache_dir()) / engine_key(engine_name)
        self.hits = self.misses = 0

    def pages(self, data: bytes) -> list[common_pb2.Page]:
        path = self.folder / f"{hashlib.sha256(data).hexdigest()}.pages"
        if path.is_file():
            self.hits += 1
            return _decode(path.read_bytes())
        self.misses += 1
        if self._engine is None:
            self._engine = self._make_engine()
        pages = read_document(data, self._engine, Limits()).pages
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(_encode(pages))
        partial.replace(path)  # whole files only, even when two processes fill the cache at once
        return pages


def page_text(pages: list[common_pb2.Page]) -> str:
    """The document's text as the pipeline builds it: a page's printed rows, pages apart by a blank line."""
    return "\n\n".join(row_text.page_text(page) for page in pages)
