"""Problems found while archiving a day (invalid categories, markers without a meeting), per user and day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from azure.data.tables import UpdateMode

from shared.domain.timestamps import utc_now
from shared.storage.codec import as_datetime, from_json, to_json
from shared.storage.keys import safe_key, user_key
from shared.storage.models import IssueRecord
from shared.storage.query import Filter, all_entities
from shared.storage.tables import TableStore

ISSUES_TABLE = "Issues"


def issue_keys(user: str, day: dt.date, source: str) -> tuple[str, str]:
    """One row per user, day and source: a re-run of the day replaces what it reported before."""
    return user_key(user), f"{day.isoformat()}_{safe_key(source)}"


def issue_to_entity(record: IssueRecord) -> dict[str, Any]:
    partition_key, row_key = issue_keys(record.user, record.day, record.source)
    return {
        "PartitionKey": partition_key,
        "RowKey": row_key,
        "user": record.user,
        "day": record.day.isoformat(),
        "source": record.source,
        "issues": to_json(record.issues),
        "recorded_at": record.recorded_at,
    }


def issue_from_entity(entity: Mapping[str, Any]) -> IssueRecord:
    issues = from_json(entity.get("issues"), [])
    return IssueRecord(
        user=entity["user"],
        day=dt.date.fromisoformat(entity["day"]),
        source=entity["source"],
        issues=issues if isinstance(issues, list) else [str(issues)],
        recorded_at=as_datetime(entity["recorded_at"]),
    )


def day_row_range(start: dt.date | None, end: dt.date | None) -> tuple[str | None, str | None]:
    """RowKey bounds [low, high) for day-prefixed RowKeys, both days included."""
    return (start.isoformat() if start else None, f"{end.isoformat()}~" if end else None)


class TableIssueLog:
    def __init__(
        self, store: TableStore, table_name: str = ISSUES_TABLE, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self._store = store
        self._table_name = table_name
        self._clock = clock

    def record(self, user: str, day: dt.date, issues: list[str], source: str) -> None:
        """An empty list clears the day's earlier report from that source (the re-run found nothing wrong)."""
        table = self._store.table(self._table_name)
        if not issues:
            table.delete_entity(*issue_keys(user, day, source))
            return
        record = IssueRecord(user=user, day=day, issues=issues, source=source, recorded_at=self._clock())
        table.upsert_entity(issue_to_entity(record), mode=UpdateMode.REPLACE)

    def for_user(self, user: str, start: dt.date | None = None, end: dt.date | None = None) -> list[IssueRecord]:
        where = Filter().where("PartitionKey", "eq", user_key(user))
        low, high = day_row_range(start, end)
        if low:
            where.where("RowKey", "ge", low)
        if high:
            where.where("RowKey", "lt", high)
        return [issue_from_entity(e) for e in all_entities(self._store.table(self._table_name), where)]
