"""What the batch service and the workers agree on about examples (what people's corrections teach): how a
printed value's shape is written, when two values of a field are the same, and how many examples are kept."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz

EXAMPLES_PER_ISSUER_FIELD = 3  # what one (project, issuer, field) keeps, and a document uses: the latest
EXAMPLES_PER_JOB = 100  # a job carries the project's latest this many (about 30 KB)
SAME_TEXT = 90.0  # rapidfuzz ratio at which a person's text and a printed one are the same (OCR noise)
ALPHA, DIGIT = "A", "9"


def folded(text: str) -> str:
    """Upper case, every run of non-alphanumerics one space: "Total:" and "TOTAL" fold alike."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.upper()).split())


def printed_format(text: str) -> str:
    """The shape of a printed value: letters as A, digits as 9, the rest as printed ("RM 12.50" → "AA 99.99")."""
    return "".join(ALPHA if c.isalpha() else DIGIT if c.isdigit() else c for c in text.strip())


def same_value(kind: str, a: Any, b: Any) -> bool:
    """Whether two values of a field's type are the same: amounts to the cent, texts despite OCR noise."""
    if a is None or b is None:
        return False
    if kind in ("money", "number"):
        try:
            return abs(float(a) - float(b)) < 0.005
        except (TypeError, ValueError):
            return False
    if kind in ("string", "identifier", ""):
        left, right = folded(str(a)), folded(str(b))
        return left == right or (min(len(left), len(right)) >= 4 and fuzz.ratio(left, right) >= SAME_TEXT)
    return bool(a == b)
