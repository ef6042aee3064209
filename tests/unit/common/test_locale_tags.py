"""BCP 47 locales as uploads, templates and projects give them: one canonical form, and errors that name the
field and say what is expected."""

from __future__ import annotations

import pytest
from google.protobuf.json_format import ParseDict

from ocrbatch.v1 import templates_pb2
from services.common.locales import LocaleError, canonical_locale
from services.common.templates import TemplateError, validate


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("en-US", "en-US"),
        ("en_us", "en-US"),
        (" de-de ", "de-DE"),
        ("FR", "fr"),
        ("ms-MY", "ms-MY"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_a_locale_has_one_canonical_form(given, canonical):
    assert canonical_locale(given) == canonical


@pytest.mark.parametrize("given", ["xx_1", "english", "e", "en-USA-x", "en--US", "12", "en-١٢٣", "de DE"])
def test_what_is_not_a_bcp_47_locale_is_refused_saying_what_is_expected(given):
    with pytest.raises(LocaleError, match="is not a BCP 47 locale: expected a language with an optional region"):
        canonical_locale(given)


def test_a_long_wrong_locale_is_not_echoed_whole():
    with pytest.raises(LocaleError) as err:
        canonical_locale("x" * 5000)
    assert len(str(err.value)) < 200


def template(**extra) -> templates_pb2.Template:
    body = {"name": "t", "fields": [{"name": "total", "type": "money", "rule": {"label": {"labels": ["Total"]}}}]}
    return ParseDict(body | extra, templates_pb2.Template())


def test_a_template_keeps_its_locale_in_canonical_form():
    assert validate(template(locale="en_gb")).locale == "en-GB"
    assert validate(template()).locale == ""  # optional


def test_a_template_with_a_wrong_locale_is_refused_naming_the_field():
    with pytest.raises(TemplateError) as err:
        validate(template(locale="xx_1"))
    assert str(err.value).startswith("locale: 'xx_1' is not a BCP 47 locale")
