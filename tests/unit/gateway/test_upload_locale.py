"""The `locale` form field of an upload: canonical when good, a 400 naming it when not."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from services.gateway.errors import ApiError
from services.gateway.uploads import LimitedMultiPartParser, _checked_form
from tests.support.hostile import multipart


async def form_of(*fields: tuple[str, bytes]):
    body, content_type = multipart([("files", "a.png", b"png"), *((name, None, value) for name, value in fields)])

    async def stream():
        yield body

    parser = LimitedMultiPartParser(
        Headers({"content-type": content_type}),
        stream(),
        max_files=50,
        max_fields=32,
        max_part_size=64 * 1024,
        max_file_bytes=1024,
        max_total_bytes=4096,
    )
    return await parser.parse()


async def test_an_upload_locale_is_sent_on_in_its_canonical_form():
    assert _checked_form(await form_of(("locale", b"en_us")), "files").locale == "en-US"
    assert _checked_form(await form_of(), "files").locale == ""  # optional


async def test_a_wrong_upload_locale_is_a_400_naming_the_field():
    with pytest.raises(ApiError) as err:
        _checked_form(await form_of(("locale", b"xx_1")), "files")
    assert err.value.status == 400
    assert err.value.message.startswith("locale: 'xx_1' is not a BCP 47 locale: expected a language")
