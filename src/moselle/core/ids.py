"""Database ids from untrusted input (forms, queries, JSON), checked before any query sees them."""

from __future__ import annotations

TOP = 2**31 - 1  # the largest id every supported database holds in an integer column


def row_id(value: object) -> int | None:
    """A database id from untrusted input (text or a number), or None: at most ten digits, so that neither
    ``int()`` on thousands of digits nor an id beyond the database's integers can fail."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= TOP else None
    text = str(value).strip()
    return int(text) if text.isdecimal() and len(text) <= 10 and 1 <= int(text) <= TOP else None
