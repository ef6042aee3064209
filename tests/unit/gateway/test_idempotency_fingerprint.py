"""What makes two requests the same under an Idempotency-Key: method, path, query and body — a multipart body
whatever boundary the client drew and however its bytes arrived in chunks."""

from __future__ import annotations

from services.gateway.idempotency import _Fingerprint


def fingerprint(body: bytes, boundary: str, chunk: int, path: str = "/v1/openapi/batch/upload") -> str:
    scope = {
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }
    digest = _Fingerprint(scope)
    for start in range(0, len(body), chunk):
        digest.update(body[start : start + chunk])
    return digest.hexdigest()


def multipart(boundary: str, content: bytes) -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n'.encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_the_same_upload_hashes_alike_whatever_its_boundary_and_chunks():
    first = fingerprint(multipart("a1b2c3d4e5", b"%PDF same bytes"), "a1b2c3d4e5", chunk=7)
    assert fingerprint(multipart("zz99yy88xx", b"%PDF same bytes"), "zz99yy88xx", chunk=3) == first
    assert fingerprint(multipart("zz99yy88xx", b"%PDF same bytes"), "zz99yy88xx", chunk=1000) == first


def test_another_file_or_path_hashes_differently():
    first = fingerprint(multipart("a1b2c3d4e5", b"%PDF same bytes"), "a1b2c3d4e5", chunk=7)
    assert fingerprint(multipart("a1b2c3d4e5", b"%PDF other bytes"), "a1b2c3d4e5", chunk=7) != first
    other_path = fingerprint(multipart("a1b2c3d4e5", b"%PDF same bytes"), "a1b2c3d4e5", chunk=7, path="/x")
    assert other_path != first
