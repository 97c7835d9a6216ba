"""Per-customer billing settings of a user (rounding increment and mode, travel rate), one row per customer."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from azure.data.tables import TableClient

from shared.domain.rounding import CustomerSettings
from shared.domain.timesheet import customer_key
from shared.storage.keys import safe_key, user_key
from shared.storage.query import Filter, all_entities
from shared.storage.tables import TableStore, read_entity, write_entity

CUSTOMERS_TABLE = "CustomerSettings"


def settings_to_entity(user: str, customer: str, settings: CustomerSettings) -> dict[str, Any]:
    return {
        "PartitionKey": user_key(user),
        "RowKey": safe_key(customer_key(customer)),
        "user": user,
        "customer": customer.strip(),
        "increment": settings.increment,
        "rounding": settings.rounding,
        # A string keeps the rate exact (a double would turn 0.1 into 0.1000000000000000055...).
        "travel_rate": str(settings.travel_rate),
    }


def settings_from_entity(entity: Mapping[str, Any]) -> CustomerSettings:
    return CustomerSettings(
        increment=int(entity["increment"]),  # type: ignore[arg-type]
        rounding=entity["rounding"],
        travel_rate=Decimal(str(entity["travel_rate"])),
    )


class TableCustomerSettingsRepository:
    def __init__(self, store: TableStore, table_name: str = CUSTOMERS_TABLE) -> None:
        self._store = store
        self._table_name = table_name

    def _table(self) -> TableClient:
        return self._store.table(self._table_name)

    def get(self, user: str, customer: str) -> CustomerSettings | None:
        entity = read_entity(self._table(), user_key(user), safe_key(customer_key(customer)))
        return settings_from_entity(entity) if entity else None

    def for_user(self, user: str) -> dict[str, CustomerSettings]:
        """Customer name (as last saved) → settings; customers without a row use the defaults."""
        where = Filter().where("PartitionKey", "eq", user_key(user))
        return {e["customer"]: settings_from_entity(e) for e in all_entities(self._table(), where)}

    def save(self, user: str, customer: str, settings: CustomerSettings) -> CustomerSettings:
        if not customer.strip():
            raise ValueError("customer name cannot be empty")
        write_entity(self._table(), settings_to_entity(user, customer, settings))
        return settings

    def delete(self, user: str, customer: str) -> bool:
        table = self._table()
        keys = (user_key(user), safe_key(customer_key(customer)))
        if read_entity(table, *keys) is None:
            return False
        table.delete_entity(*keys)
        return True
