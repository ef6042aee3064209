"""Hostile files: encrypted, truncated and enormous PDFs, decompression bombs, and raw multipart bodies."""

from __future__ import annotations

import struct
import zlib

from tests.support.documents import text_pdf_bytes


def encrypted_pdf_bytes() -> bytes:
    """A PDF whose trailer names a Standard security handler: opening it needs a password."""
    plain = text_pdf_bytes([["Invoice No: SECRET-1"]])
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
    head, _, tail = plain.rpartition(b"trailer\n<<")
    return (
        head
        + b"trailer\n<< /Encrypt "
        + encrypt
        + b" /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]"
        + tail
    )


def truncated_pdf_bytes() -> bytes:
    plain = text_pdf_bytes([["Invoice No: CUT-1", "Total: 9.99"]] * 3)
    return plain[: len(plain) // 2]


def many_pages_pdf_bytes(pages: int = 10_000) -> bytes:
    return text_pdf_bytes([[f"page {i}"] for i in range(pages)])


def png_bomb_bytes(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny file that claims to be a 50,000 × 50,000 pixel image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "ocrbatchboundary") -> tuple[bytes, str]:
    """A hand-built multipart body, so tests can send what clients would never produce (NUL in names …)."""
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'.encode()
        if filename is not None:
            disposition += b'; filename="' + filename.encode("utf-8", "surrogateescape") + b'"'
        body += f"--{boundary}\r\n".encode() + b"Content-Disposition: " + disposition + b"\r\n\r\n" + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
