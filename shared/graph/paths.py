"""Building Graph URL paths and OData literals safely from user-supplied parts."""

from __future__ import annotations

from urllib.parse import quote


def segment(value: str) -> str:
    """One path segment: UPNs keep their '@', ids their '='; anything else unusual is percent-encoded."""
    if not value:
        raise ValueError("a Graph path segment must not be empty")
    return quote(value, safe="@=")


def odata_string(value: str) -> str:
    """A single-quoted OData string literal (quotes are escaped by doubling)."""
    return "'" + value.replace("'", "''") + "'"
