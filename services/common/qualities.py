"""Reading qualities: which OCR models read a document's pages. accurate: the small PP-OCRv6 pair; fast: the tiny
pair, with the small recogniser again on each page's header (services/worker/engine/fast.py, README "Reading
quality"). An upload or a template names one; neither: the workers' default (OCRBATCH_OCR_QUALITY)."""

from __future__ import annotations

QUALITIES = ("accurate", "fast")


class QualityError(ValueError):
    pass


def checked_quality(value: str) -> str:
    """A quality as given ("" for none, case and spaces forgiven), or QualityError saying which are known."""
    quality = value.strip().lower()
    if quality and quality not in QUALITIES:
        raise QualityError(f"must be one of {', '.join(QUALITIES)} ({value!r})")
    return quality
