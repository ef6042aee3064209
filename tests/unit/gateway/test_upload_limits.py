"""Upload limits are enforced while the multipart body streams in, before a whole file is buffered."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from services.gateway.uploads import LimitedMultiPartParser, UploadTooLarge
from tests.support.hostile import multipart


def parser(body: bytes, content_type: str, *, file_mb: float, total_mb: float, seen: list[int]):
    async def stream():
        for start in range(0, len(body), 64 * 1024):
            seen.append(start)  # how far the parser has read when it stops
            yield body[start : start + 64 * 1024]

    return LimitedMultiPartParser(
        Headers({"content-type": content_type}),
        stream(),
        max_files=50,
        max_fields=32,
        max_part_size=64 * 1024,
        max_file_bytes=int(file_mb * 1024 * 1024),
        max_total_bytes=int(total_mb * 1024 * 1024),
    )


async def test_a_file_over_its_limit_stops_the_read_early():
    body, content_type = multipart([("files", "big.pdf", b"x" * 8 * 1024 * 1024)])
    seen: list[int] = []
    with pytest.raises(UploadTooLarge, match="'big.pdf' is larger than 1 MB"):
        await parser(body, content_type, file_mb=1, total_mb=100, seen=seen).parse()
    assert max(seen) < 2 * 1024 * 1024  # stopped right after 1 MB, not after reading all 8 MB


async def test_the_request_total_is_bounded_too():
    body, content_type = multipart([("files", f"f{i}.pdf", b"x" * 600 * 1024) for i in range(4)])
    with pytest.raises(UploadTooLarge, match="larger than 2 MB in all"):
        await parser(body, content_type, file_mb=1, total_mb=2, seen=[]).parse()


async def test_files_within_limits_are_read_whole():
    body, content_type = multipart([("files", "a.pdf", b"a" * 1000), ("projectId", None, b"p1")])
    form = await parser(body, content_type, file_mb=1, total_mb=2, seen=[]).parse()
    assert form["projectId"] == "p1"
    assert await form["files"].read() == b"a" * 1000
