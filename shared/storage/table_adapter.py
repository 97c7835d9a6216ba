"""One table of a TableStore, named by the adapter (a test may give another name to keep its rows apart)."""

from __future__ import annotations

from typing import ClassVar

from azure.data.tables import TableClient

from shared.storage.tables import TableStore


class TableAdapter:
    TABLE: ClassVar[str]

    def __init__(self, store: TableStore, table_name: str | None = None) -> None:
        self._store = store
        self._table_name = table_name or self.TABLE

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)
