"""OData filters and key-ordered paging with our own continuation tokens.

The service's continuation headers are opaque and differ between Azure and Azurite, and the service may return short
or even empty pages. We page on the last returned (PartitionKey, RowKey) instead: pages are always full until the
end, and the in-memory fakes (tests/fakes/storage.py) page the same way.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from itertools import islice

from azure.data.tables import TableClient, TableEntity

from shared.storage.errors import InvalidContinuationError

RowKey = tuple[str, str]

MAX_PAGE_SIZE = 1000


def literal(value: str | bool | int | dt.datetime) -> str:
    """An OData literal; strings are quoted with doubled single quotes, so user input cannot break out."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return f"datetime'{value.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}'"
    return "'" + value.replace("'", "''") + "'"


class Filter:
    """A conjunction of OData comparisons."""

    def __init__(self) -> None:
        self._clauses: list[str] = []

    def where(self, prop: str, op: str, value: str | bool | int | dt.datetime) -> Filter:
        self._clauses.append(f"{prop} {op} {literal(value)}")
        return self

    def where_given(self, prop: str, op: str, value: str | bool | int | dt.datetime | None) -> Filter:
        """`where`, but an absent (None or empty) bound or option adds no clause."""
        return self.where(prop, op, value) if value else self

    def key_range(self, prop: str, low: str | None, high: str | None) -> Filter:
        """`low <= prop < high`; a missing bound leaves that side open."""
        return self.where_given(prop, "ge", low).where_given(prop, "lt", high)

    def raw(self, clause: str) -> Filter:
        self._clauses.append(f"({clause})")
        return self

    def render(self) -> str:
        return " and ".join(self._clauses)


def encode_continuation(key: RowKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_continuation(token: str) -> RowKey:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidContinuationError("invalid continuation token") from None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise InvalidContinuationError("invalid continuation token")
    return value[0], value[1]


def check_page_size(page_size: int) -> int:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
    return page_size


def query_page(
    table: TableClient, where: Filter, page_size: int, continuation: str | None
) -> tuple[list[TableEntity], str | None]:
    """Up to `page_size` entities in key order after `continuation`, and the token of the next page if any."""
    check_page_size(page_size)
    query = Filter().raw(where.render()) if where.render() else Filter()
    if continuation:
        partition_key, row_key = decode_continuation(continuation)
        query.raw(
            f"PartitionKey gt {literal(partition_key)} or "
            f"(PartitionKey eq {literal(partition_key)} and RowKey gt {literal(row_key)})"
        )
    rendered = query.render()
    # One extra entity tells whether another page exists without an empty last page.
    per_request = min(page_size + 1, MAX_PAGE_SIZE)
    entities = table.query_entities(rendered, results_per_page=per_request) if rendered else table.list_entities(
        results_per_page=per_request
    )
    found = list(islice(entities, page_size + 1))
    if len(found) <= page_size:
        return found, None
    last = found[page_size - 1]
    return found[:page_size], encode_continuation((last["PartitionKey"], last["RowKey"]))


def all_entities(table: TableClient, where: Filter) -> list[TableEntity]:
    rendered = where.render()
    return list(table.query_entities(rendered) if rendered else table.list_entities())


def instant_bounds(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Inclusive UTC instants; a date stands for the whole (UTC) day."""
    low = start if isinstance(start, dt.datetime) or start is None else dt.datetime.combine(start, dt.time(), dt.UTC)
    high = (
        end if isinstance(end, dt.datetime) or end is None else dt.datetime.combine(end, dt.time.max, dt.UTC)
    )
    for bound in (low, high):
        if bound is not None and bound.tzinfo is None:
            raise ValueError("datetime bounds must carry a time zone")
    return low, high


def day_bounds(
    start: dt.date | dt.datetime | None, end: dt.date | dt.datetime | None
) -> tuple[dt.date | None, dt.date | None]:
    """Inclusive UTC days covering the bounds."""
    low, high = instant_bounds(start, end)
    return (
        low.astimezone(dt.UTC).date() if low else None,
        high.astimezone(dt.UTC).date() if high else None,
    )
