"""A ZIP writer for streamed DOCX and XLSX: deflated parts whose bytes leave as each record is written.

Python's zipfile holds a part's compressed bytes until its compressor's buffer fills; here each write can
end with a sync flush, so the client gets the document as it is made. Entries use data descriptors
(sizes after the data), so nothing is ever rewritten and memory stays flat.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_TIME, _DOS_DATE = 0, (2026 - 1980) << 9 | 1 << 5 | 1  # 2026-01-01 00:00
_FLAGS = 0x0808  # bit 3: sizes in a data descriptor; bit 11: UTF-8 names


@dataclass
class _Entry:
    name: bytes
    offset: int
    crc: int = 0
    compressed: int = 0
    size: int = 0


class ZipStream:
    def __init__(self) -> None:
        self._offset = 0
        self._entries: list[_Entry] = []
        self._current: _Entry | None = None
        self._compressor: zlib._Compress | None = None

    def _out(self, data: bytes) -> bytes:
        self._offset += len(data)
        return data

    def begin(self, name: str) -> bytes:
        """Starts a part; returns its local header."""
        if self._current is not None:
            raise RuntimeError("finish the current part first")
        entry = _Entry(name=name.encode(), offset=self._offset)
        self._current, self._compressor = entry, zlib.compressobj(6, zlib.DEFLATED, -15)
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, _FLAGS, 8, _DOS_TIME, _DOS_DATE, 0, 0, 0, len(entry.name), 0
        )
        return self._out(header + entry.name)

    def write(self, data: bytes, *, flush: bool = False) -> bytes:
        """Compresses part bytes; with flush=True everything written so far is returned (sync flush)."""
        entry, compressor = self._current, self._compressor
        assert entry is not None and compressor is not None
        entry.crc = zlib.crc32(data, entry.crc)
        entry.size += len(data)
        out = compressor.compress(data)
        if flush:
            out += compressor.flush(zlib.Z_SYNC_FLUSH)
        entry.compressed += len(out)
        return self._out(out)

    def end(self) -> bytes:
        entry, compressor = self._current, self._compressor
        assert entry is not None and compressor is not None
        tail = compressor.flush(zlib.Z_FINISH)
        entry.compressed += len(tail)
        self._entries.append(entry)
        self._current = self._compressor = None
        descriptor = struct.pack("<IIII", 0x08074B50, entry.crc, entry.compressed, entry.size)
        return self._out(tail + descriptor)

    def add(self, name: str, content: str) -> bytes:
        """A small part written whole."""
        return self.begin(name) + self.write(content.encode()) + self.end()

    def close(self) -> bytes:
        start = self._offset
        directory = b"".join(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                _FLAGS,
                8,
                _DOS_TIME,
                _DOS_DATE,
                e.crc,
                e.compressed,
                e.size,
                len(e.name),
                0,
                0,
                0,
                0,
                0,
                e.offset,
            )
            + e.name
            for e in self._entries
        )
        end = struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(self._entries), len(self._entries), len(directory), start, 0
        )
        return self._out(directory + end)
