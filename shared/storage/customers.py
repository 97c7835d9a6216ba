"""Per-customer billing settings of a user (rounding increment and mode, travel rate), one row per customer."""

from __future__ import annotations

from typing import Any

from shared.domain.rounding import CustomerSettings
from shared.domain.timesheet import customer_key
from shared.storage.entity_map import EntityMapper, as_text, plain
from shared.storage.entity_table import EntityTable
from shared.storage.keys import safe_key, user_key
from shared.storage.query import Filter
from shared.storage.tables import TableStore

CUSTOMERS_TABLE = "CustomerSettings"

SETTINGS_ROWS = EntityMapper(CustomerSettings, *plain("increment", "rounding"), as_text("travel_rate"))


def settings_keys(user: str, customer: str) -> tuple[str, str]:
    return user_key(user), safe_key(customer_key(customer))


class TableCustomerSettingsRepository:
    def __init__(self, store: TableStore, table_name: str = CUSTOMERS_TABLE) -> None:
        self._rows = EntityTable(store, table_name, SETTINGS_ROWS)

    def get(self, user: str, customer: str) -> CustomerSettings | None:
        return self._rows.get(*settings_keys(user, customer))

    def for_user(self, user: str) -> dict[str, CustomerSettings]:
        """Customer name (as last saved) → settings; customers without a row use the defaults."""
        where = Filter().where("PartitionKey", "eq", user_key(user))
        return {e["customer"]: SETTINGS_ROWS.from_entity(e) for e in self._rows.entities(where)}

    def save(self, user: str, customer: str, settings: CustomerSettings) -> CustomerSettings:
        if not customer.strip():
            raise ValueError("customer name cannot be empty")
        partition_key, row_key = settings_keys(user, customer)
        owner: dict[str, Any] = {"PartitionKey": partition_key, "RowKey": row_key, "user": user}
        self._rows.write(owner | {"customer": customer.strip()} | SETTINGS_ROWS.to_entity(settings))
        return settings

    def delete(self, user: str, customer: str) -> bool:
        return self._rows.delete(*settings_keys(user, customer))
