"""Graph change-notification subscriptions we created, so they can be validated, renewed and removed."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from azure.data.tables import TableClient

from shared.domain.subscriptions import SubscriptionRecord
from shared.storage.codec import as_datetime, etag_of, without_none
from shared.storage.keys import safe_key, user_key
from shared.storage.query import Filter, all_entities
from shared.storage.tables import TableStore, read_entity, write_entity

SUBSCRIPTIONS_TABLE = "Subscriptions"
SUBSCRIPTION_PARTITION = "subscription"


def subscription_to_entity(record: SubscriptionRecord) -> dict[str, Any]:
    return without_none(
        {
            "PartitionKey": SUBSCRIPTION_PARTITION,
            "RowKey": safe_key(record.id),
            "id": record.id,
            "user": record.user,
            "user_key": user_key(record.user),
            "job_id": record.job_id,
            "resource": record.resource,
            "client_state": record.client_state,
            "expiration": record.expiration,
            "notification_url": record.notification_url,
            "lifecycle_url": record.lifecycle_url,
            "created_at": record.created_at,
        }
    )


def subscription_from_entity(entity: Mapping[str, Any]) -> SubscriptionRecord:
    return SubscriptionRecord(
        id=entity["id"],
        user=entity["user"],
        job_id=entity.get("job_id"),
        resource=entity["resource"],
        client_state=entity["client_state"],
        expiration=as_datetime(entity["expiration"]),
        notification_url=entity["notification_url"],
        lifecycle_url=entity.get("lifecycle_url"),
        created_at=as_datetime(entity["created_at"]),
        etag=etag_of(entity),
    )


class TableSubscriptionRepository:
    def __init__(self, store: TableStore, table_name: str = SUBSCRIPTIONS_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        entity = read_entity(self._table(), SUBSCRIPTION_PARTITION, safe_key(subscription_id))
        return subscription_from_entity(entity) if entity else None

    def for_user(self, user: str) -> builtins.list[SubscriptionRecord]:
        where = Filter().where("PartitionKey", "eq", SUBSCRIPTION_PARTITION).where("user_key", "eq", user_key(user))
        return [subscription_from_entity(e) for e in all_entities(self._table(), where)]

    def list(self) -> builtins.list[SubscriptionRecord]:
        where = Filter().where("PartitionKey", "eq", SUBSCRIPTION_PARTITION)
        return [subscription_from_entity(e) for e in all_entities(self._table(), where)]

    def save(self, record: SubscriptionRecord) -> SubscriptionRecord:
        etag = write_entity(self._table(), subscription_to_entity(record), record.etag)
        return record.model_copy(update={"etag": etag})

    def delete(self, subscription_id: str) -> bool:
        table = self._table()
        row_key = safe_key(subscription_id)
        if read_entity(table, SUBSCRIPTION_PARTITION, row_key) is None:
            return False
        table.delete_entity(SUBSCRIPTION_PARTITION, row_key)
        return True
