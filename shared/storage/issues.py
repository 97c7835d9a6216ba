"""Problems found while archiving a day (invalid categories, markers without a meeting), per user and day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from shared.domain.timestamps import utc_now
from shared.storage.entity_map import EntityMapper, iso_date, json_text, keys, plain, utc
from shared.storage.entity_table import EntityTable
from shared.storage.keys import safe_key, user_key
from shared.storage.models import IssueRecord
from shared.storage.query import Filter
from shared.storage.tables import TableStore

ISSUES_TABLE = "Issues"


def issue_keys(user: str, day: dt.date, source: str) -> tuple[str, str]:
    """One row per user, day and source: a re-run of the day replaces what it reported before."""
    return user_key(user), f"{day.isoformat()}_{safe_key(source)}"


ISSUE_ROWS = EntityMapper(
    IssueRecord,
    keys(lambda record: issue_keys(record.user, record.day, record.source)),
    *plain("user", "source"),
    iso_date("day"),
    json_text("issues", list, wrap=lambda value: [str(value)]),
    utc("recorded_at"),
)


def day_row_range(start: dt.date | None, end: dt.date | None) -> tuple[str | None, str | None]:
    """RowKey bounds [low, high) for day-prefixed RowKeys, both days included."""
    return (start.isoformat() if start else None, f"{end.isoformat()}~" if end else None)


class TableIssueLog:
    def __init__(
        self, store: TableStore, table_name: str = ISSUES_TABLE, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self._rows = EntityTable(store, table_name, ISSUE_ROWS)
        self._clock = clock

    def record(self, user: str, day: dt.date, issues: list[str], source: str) -> None:
        """An empty list clears the day's earlier report from that source (the re-run found nothing wrong)."""
        if not issues:
            self._rows.client.delete_entity(*issue_keys(user, day, source))
            return
        self._rows.save(IssueRecord(user=user, day=day, issues=issues, source=source, recorded_at=self._clock()))

    def for_user(self, user: str, start: dt.date | None = None, end: dt.date | None = None) -> list[IssueRecord]:
        return self._rows.query(Filter().where("PartitionKey", "eq", user_key(user))
                                .key_range("RowKey", *day_row_range(start, end)))
