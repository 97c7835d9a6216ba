"""Travel durations already asked of the routing service, per origin, destination and hour of the week.

Keys are hashes of the normalised addresses: the cache needs equality, not the addresses themselves, so a user's
home address is not written in yet another table."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from shared.domain.timestamps import utc_now
from shared.storage.entity_map import EntityMapper, keys, plain, utc
from shared.storage.entity_table import EntityTable
from shared.storage.tables import TableStore

TRAVEL_TIMES_TABLE = "TravelTimes"

CacheMode = Literal["traffic", "typical"]


class CachedTravelTime(BaseModel):
    route: str  # hash of origin and destination
    mode: CacheMode
    hour_of_week: int = Field(ge=0, lt=168)
    seconds: float = Field(ge=0)
    source: Literal["traffic", "typical"]
    fetched_at: AwareDatetime = Field(default_factory=utc_now)


def route_hash(origin: str, destination: str) -> str:
    return hashlib.sha256(f"{origin}\n{destination}".encode()).hexdigest()[:40]


def hour_of_week(moment: dt.datetime) -> int:
    """Monday 00:00 UTC is hour 0: traffic repeats weekly, so one answer serves every week's same hour."""
    utc_moment = moment.astimezone(dt.UTC)
    return utc_moment.weekday() * 24 + utc_moment.hour


def _keys(item: CachedTravelTime) -> tuple[str, str]:
    return item.route, f"{item.mode}-{item.hour_of_week:03d}"


TRAVEL_TIME_ROWS = EntityMapper(
    CachedTravelTime, keys(_keys), *plain("route", "mode", "hour_of_week", "seconds", "source"), utc("fetched_at"),
)


class TableTravelTimeCache:
    def __init__(self, store: TableStore, table_name: str = TRAVEL_TIMES_TABLE) -> None:
        self._rows = EntityTable(store, table_name, TRAVEL_TIME_ROWS)

    def get(self, route: str, mode: CacheMode, hour: int) -> CachedTravelTime | None:
        return self._rows.get(route, f"{mode}-{hour:03d}")

    def put(self, item: CachedTravelTime) -> None:
        self._rows.save(item)
