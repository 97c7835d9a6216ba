"""Graph change-notification subscriptions we created, so they can be validated, renewed and removed."""

from __future__ import annotations

import builtins

from shared.domain.subscriptions import SubscriptionRecord
from shared.storage.entity_map import Derived, EntityMapper, plain, utc
from shared.storage.entity_table import EntityTable
from shared.storage.keys import safe_key, user_key
from shared.storage.query import Filter
from shared.storage.tables import TableStore

SUBSCRIPTIONS_TABLE = "Subscriptions"
SUBSCRIPTION_PARTITION = "subscription"

SUBSCRIPTION_ROWS = EntityMapper(
    SubscriptionRecord,
    Derived(lambda record: {
        "PartitionKey": SUBSCRIPTION_PARTITION, "RowKey": safe_key(record.id), "user_key": user_key(record.user),
    }),
    *plain("id", "user", "job_id", "resource", "client_state", "notification_url", "lifecycle_url"),
    utc("expiration"),
    utc("created_at"),
)


class TableSubscriptionRepository:
    def __init__(self, store: TableStore, table_name: str = SUBSCRIPTIONS_TABLE) -> None:
        self._rows = EntityTable(store, table_name, SUBSCRIPTION_ROWS)

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        return self._rows.get(SUBSCRIPTION_PARTITION, safe_key(subscription_id))

    def for_user(self, user: str) -> builtins.list[SubscriptionRecord]:
        return self._rows.query(Filter().where("PartitionKey", "eq", SUBSCRIPTION_PARTITION)
                                .where("user_key", "eq", user_key(user)))

    def list(self) -> builtins.list[SubscriptionRecord]:
        return self._rows.query(Filter().where("PartitionKey", "eq", SUBSCRIPTION_PARTITION))

    def save(self, record: SubscriptionRecord) -> SubscriptionRecord:
        return self._rows.save(record)

    def delete(self, subscription_id: str) -> bool:
        return self._rows.delete(SUBSCRIPTION_PARTITION, safe_key(subscription_id))
