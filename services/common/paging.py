"""Paging bounds of every list, checked at the gateway (400) and again by the batch service (INVALID_ARGUMENT)."""

from __future__ import annotations

MAX_LIMIT = 100
MAX_PAGE = 1_000_000


def paging_error(page: int, limit: int) -> str | None:
    """What is wrong with a page and limit, or None when both are in range."""
    if not 1 <= page <= MAX_PAGE:
        return f"page must be between 1 and {MAX_PAGE}"
    if not 1 <= limit <= MAX_LIMIT:
        return f"limit must be between 1 and {MAX_LIMIT}"
    return None
