"""Whether two documents come from the same issuer, or share a layout, by their fingerprints: the keys the worker
reads from a page (services/worker/extraction/fingerprint.py) — what stays the same on an issuer's documents.
Shared by the worker (which examples apply to a document) and the batch service (which examples are one
issuer's).

An issuer is shown by its ids, phone numbers, web and mail domains ("strong" keys) and its header lines; a
layout by the labels and column headers it prints ("lay" keys) — one layout may be printed by many issuers (a
point-of-sale system's, an invoicing program's). Where a value is printed follows the layout; a value the
page does not print (a name in a logo) follows the issuer."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

STRONG_KINDS = ("id", "tel", "web", "mail")
# An id, phone or domain weighs two header lines: it is printed once and means one company, where a header line
# may be generic ("TAX INVOICE"). A customer's id printed on every invoice a project gets is shared by
# different issuers too: so what two fingerprints share must also outweigh what only one of them prints.
STRONG_WEIGHT = 2.0
MIN_ISSUER_AGREEMENT = 2.0  # one strong key, or two header lines
MIN_LAYOUT_AGREEMENT = 3.0  # three labels or column headers
MIN_FUZZY_LENGTH = 6  # shorter keys must agree exactly: one character is too much of "TOTAL" or a short id
SAME_LINE = 85.0  # rapidfuzz ratio at which two header lines or labels are one, read with OCR's noise


def _kind(key: str) -> str:
    return key.partition(":")[0]


def _alike(a: str, b: str) -> bool:
    """The same key despite OCR noise: a digit misread in an id or phone number ("…768" / "…763"), a letter
    in a header line ("HARDWARE" / "HARUWARE")."""
    if a == b:
        return True
    kind, _, left = a.partition(":")
    other, _, right = b.partition(":")
    if kind != other or min(len(left), len(right)) < MIN_FUZZY_LENGTH:
        return False
    if kind in ("id", "tel"):
        return len(left) == len(right) and Hamming.distance(left, right) <= 1
    return fuzz.ratio(left, right) >= SAME_LINE


def _matched(a: set[str], b: set[str]) -> tuple[set[str], set[str]]:
    """The keys of a and of b that the other has too, exactly or alike (each key matched once)."""
    left, right = a & b, a & b
    for key in sorted(a - b):
        match = next((k for k in sorted(b - right) if _alike(key, k)), None)
        if match is not None:
            left.add(key)
            right.add(match)
    return left, right


def _agreement(a: set[str], b: set[str], weight: dict[str, float], least: float) -> float:
    def weighed(keys: set[str]) -> float:
        return sum(weight.get(_kind(key), 0.0) for key in keys)

    a = {key for key in a if _kind(key) in weight}
    b = {key for key in b if _kind(key) in weight}
    in_a, in_b = _matched(a, b)
    common = weighed(in_a)
    if common < least or common < max(weighed(a - in_a), weighed(b - in_b)):
        return 0.0
    return common


_ISSUER_WEIGHTS = {kind: STRONG_WEIGHT for kind in STRONG_KINDS} | {"head": 1.0}


def issuer_agreement(a: Iterable[str], b: Iterable[str]) -> float:
    """What two fingerprints' issuer keys share (weighted), or 0 when that does not show one issuer."""
    return _agreement(set(a), set(b), _ISSUER_WEIGHTS, MIN_ISSUER_AGREEMENT)


def layout_agreement(a: Iterable[str], b: Iterable[str]) -> float:
    """How many labels and column headers two fingerprints share, or 0 when that does not show one layout."""
    return _agreement(set(a), set(b), {"lay": 1.0}, MIN_LAYOUT_AGREEMENT)


def same_issuer(a: Iterable[str], b: Iterable[str]) -> bool:
    return issuer_agreement(a, b) > 0.0


def same_layout(a: Iterable[str], b: Iterable[str]) -> bool:
    return layout_agreement(a, b) > 0.0
