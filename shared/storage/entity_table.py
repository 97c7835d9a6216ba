"""One table of a TableStore holding the rows of one model: read, query, write with ETag, delete if present."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic

from azure.data.tables import TableClient, TableEntity

from shared.storage.entity_map import EntityMapper, M
from shared.storage.query import Filter, all_entities, query_page
from shared.storage.tables import TableStore, read_entity, write_entity


class EntityTable(Generic[M]):
    def __init__(self, store: TableStore, name: str, mapper: EntityMapper[M]) -> None:
        self._store = store
        self.name = name
        self.mapper = mapper

    @property
    def client(self) -> TableClient:
        return self._store.table(self.name)

    def get(self, partition_key: str, row_key: str) -> M | None:
        entity = read_entity(self.client, partition_key, row_key)
        return self.mapper.from_entity(entity) if entity else None

    def entities(self, where: Filter) -> list[TableEntity]:
        return all_entities(self.client, where)

    def query(self, where: Filter) -> list[M]:
        return [self.mapper.from_entity(e) for e in self.entities(where)]

    def page(self, where: Filter, page_size: int, continuation: str | None) -> tuple[list[M], str | None]:
        entities, token = query_page(self.client, where, page_size, continuation)
        return [self.mapper.from_entity(e) for e in entities], token

    def write(self, entity: Mapping[str, Any], etag: str | None = None) -> str:
        return write_entity(self.client, entity, etag)

    def save(self, model: M) -> M:
        """With the model's ETag (from a read) a concurrent change raises StaleEntityError; without, last write wins.

        Models without an ETag (log rows) are inserted or replaced: recording the same one twice keeps one row.
        """
        etag = self.write(self.mapper.to_entity(model), getattr(model, "etag", None))
        return model.model_copy(update={"etag": etag}) if "etag" in type(model).model_fields else model

    def delete(self, partition_key: str, row_key: str) -> bool:
        """False when there was no such row."""
        table = self.client
        if read_entity(table, partition_key, row_key) is None:
            return False
        table.delete_entity(partition_key, row_key)
        return True
