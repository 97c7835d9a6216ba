"""Gap alerts of the travel planner, one partition per user, rows sorted by day; a re-plan replaces a day's rows."""

from __future__ import annotations

import datetime as dt
import hashlib

from shared.domain.travel_schedule import TravelAlert
from shared.storage.entity_map import EntityMapper, iso_date, plain, text
from shared.storage.entity_table import EntityTable
from shared.storage.keys import user_key
from shared.storage.query import Filter
from shared.storage.tables import TableStore

TRAVEL_ALERTS_TABLE = "TravelAlerts"

ALERT_ROWS = EntityMapper(
    TravelAlert,
    iso_date("day"),
    *plain("key", "before_id", "after_id", "needed_minutes", "available_minutes"),
    text("before_subject", 1024), text("after_subject", 1024), text("origin", 1024), text("destination", 1024),
)


def _row_key(alert: TravelAlert) -> str:
    return f"{alert.day.isoformat()}_{hashlib.sha256(alert.key.encode()).hexdigest()[:16]}"


class TableTravelAlertRepository:
    def __init__(self, store: TableStore, table_name: str = TRAVEL_ALERTS_TABLE) -> None:
        self._rows = EntityTable(store, table_name, ALERT_ROWS)

    def replace_day(self, user: str, day: dt.date, alerts: list[TravelAlert]) -> None:
        partition = user_key(user)
        wanted = {_row_key(a): a for a in alerts}
        for entity in self._rows.entities(self._day(partition, day, day)):
            if entity["RowKey"] not in wanted:
                self._rows.delete(partition, entity["RowKey"])
        for row_key, alert in wanted.items():
            self._rows.write({"PartitionKey": partition, "RowKey": row_key, "user": user}
                             | ALERT_ROWS.to_entity(alert))

    def query(self, user: str, start: dt.date, end: dt.date) -> list[TravelAlert]:
        return self._rows.query(self._day(user_key(user), start, end))

    @staticmethod
    def _day(partition: str, start: dt.date, end: dt.date) -> Filter:
        return (Filter().where("PartitionKey", "eq", partition)
                .key_range("RowKey", f"{start.isoformat()}_", f"{end.isoformat()}_~"))
