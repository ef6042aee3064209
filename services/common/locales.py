"""BCP 47 locale tags as templates, projects and uploads give them ("en-US", "de-DE", "ms-MY"), checked and
written in one canonical form; shared by the gateway and the batch service (which validate them) and the
workers (which read values by them)."""

from __future__ import annotations

import re

# language (2-3 letters), optional script (4 letters), optional region (2 letters or 3 digits)
_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$", re.ASCII)
_SHOWN_CHARS = 40  # of a wrong tag, in the error: the message stays short whatever was sent


class LocaleError(ValueError):
    """A locale that is not a BCP 47 language tag; the message says what is expected."""


def canonical_locale(tag: str) -> str:
    """ "en_us" → "en-US", "DE" → "de", "sr-latn-rs" → "sr-Latn-RS"; "" stays "" (no locale given).

    Raises LocaleError for anything else."""
    tag = tag.strip()
    if not tag:
        return ""
    match = _TAG.match(tag)
    if match is None:
        shown = tag if len(tag) <= _SHOWN_CHARS else tag[:_SHOWN_CHARS] + "…"
        raise LocaleError(
            f"{shown!r} is not a BCP 47 locale: expected a language with an optional region, e.g. en-US, de-DE, ms-MY"
        )
    language, script, region = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)
