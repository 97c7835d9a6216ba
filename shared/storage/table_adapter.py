"""One table of a TableStore, named by the adapter (a test may give another name to keep its rows apart)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from azure.data.tables import TableClient

from shared.domain.timestamps import utc_now
from shared.storage.tables import TableStore


class TableAdapter:
    TABLE: ClassVar[str]

    def __init__(
        self, store: TableStore, table_name: str | None = None, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self._store = store
        self._table_name = table_name or self.TABLE
        self._clock = clock

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)
