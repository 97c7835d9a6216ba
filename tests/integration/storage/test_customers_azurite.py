from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.domain.rounding import CustomerSettings
from shared.storage.customers import TableCustomerSettingsRepository
from shared.storage.tables import TableStore

USER = "Megan.Bowen@contoso.example"


@pytest.fixture
def customers(table_store: TableStore, table_name: Callable[[str], str]) -> TableCustomerSettingsRepository:
    return TableCustomerSettingsRepository(table_store, table_name("Customers"))


def test_settings_round_trip_per_user_and_customer(customers: TableCustomerSettingsRepository) -> None:
    wanted = CustomerSettings(increment=15, rounding="up", travel_rate=Decimal("0.35"))
    customers.save(USER, "Acme / Corp #1", wanted)
    assert customers.get(USER.lower(), "  acme / corp #1 ") == wanted
    assert customers.get("someone@else.example", "Acme / Corp #1") is None
    assert customers.for_user(USER) == {"Acme / Corp #1": wanted}


def test_saving_again_replaces_and_delete_removes(customers: TableCustomerSettingsRepository) -> None:
    customers.save(USER, "Globex", CustomerSettings(increment=6))
    customers.save(USER, "GLOBEX", CustomerSettings(increment=60, rounding="down"))
    assert customers.for_user(USER) == {"GLOBEX": CustomerSettings(increment=60, rounding="down")}
    assert customers.delete(USER, "globex") is True
    assert customers.delete(USER, "globex") is False
    assert customers.for_user(USER) == {}


def test_bad_settings_never_reach_the_table(customers: TableCustomerSettingsRepository) -> None:
    with pytest.raises(ValidationError):
        CustomerSettings.model_validate({"increment": 45, "rounding": "nearest", "travel_rate": "0.5"})
    with pytest.raises(ValueError, match="empty"):
        customers.save(USER, "  ", CustomerSettings())
