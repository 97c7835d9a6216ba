from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from azure.core import MatchConditions
from azure.data.tables import UpdateMode

from shared.storage.errors import EntityNotFoundError, StaleEntityError
from shared.storage.query import Filter, query_page
from shared.storage.tables import TableStore, read_entity, safe_key, submit_in_transactions, unsafe_key, write_entity

AWKWARD = ["a/b", "x#y", "what?", "back\\slash", "100%", "bang!", "tab\tand\nnewline", "mixed/#?\\%!"]


def test_table_is_created_once_even_when_many_threads_ask(table_store: TableStore, table_name) -> None:
    name = table_name("Created")
    start = threading.Barrier(8)

    def ask() -> Any:
        start.wait(timeout=10)
        return table_store.table(name)

    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda _: ask(), range(8)))

    assert all(client is clients[0] for client in clients)
    clients[0].upsert_entity({"PartitionKey": "p", "RowKey": "r"})
    assert read_entity(clients[0], "p", "r") is not None


def test_invalid_table_name_is_refused_before_any_request(table_store: TableStore) -> None:
    with pytest.raises(ValueError, match="invalid table name"):
        table_store.table("has-dash")


@pytest.mark.parametrize("raw", AWKWARD)
def test_awkward_keys_round_trip_through_the_service(table_store: TableStore, table_name, raw: str) -> None:
    table = table_store.table(table_name("Keys"))
    entity = {"PartitionKey": safe_key(raw), "RowKey": safe_key(raw + "/row"), "raw": raw}

    etag = write_entity(table, entity)
    stored = read_entity(table, entity["PartitionKey"], entity["RowKey"])

    assert stored is not None and etag
    assert unsafe_key(stored["PartitionKey"]) == raw
    assert unsafe_key(stored["RowKey"]) == raw + "/row"
    # Point operations on the encoded keys work too (update with the ETag we got, then delete).
    write_entity(table, {**entity, "raw": "changed"}, etag)
    table.delete_entity(entity["PartitionKey"], entity["RowKey"])
    assert read_entity(table, entity["PartitionKey"], entity["RowKey"]) is None


def test_stale_etag_is_rejected(table_store: TableStore, table_name) -> None:
    name = table_name("Etag")
    table = table_store.table(name)
    first = write_entity(table, {"PartitionKey": "p", "RowKey": "r", "v": 1})
    write_entity(table, {"PartitionKey": "p", "RowKey": "r", "v": 2}, first)

    with pytest.raises(StaleEntityError) as raised:
        write_entity(table, {"PartitionKey": "p", "RowKey": "r", "v": 3}, first)

    assert name in str(raised.value) and "'p'" in str(raised.value) and "'r'" in str(raised.value)
    assert read_entity(table, "p", "r")["v"] == 2  # type: ignore[index]


def test_update_of_a_missing_row_with_an_etag_is_not_found(table_store: TableStore, table_name) -> None:
    table = table_store.table(table_name("Missing"))
    etag = write_entity(table, {"PartitionKey": "p", "RowKey": "r"})
    table.delete_entity("p", "r")

    with pytest.raises(EntityNotFoundError):
        write_entity(table, {"PartitionKey": "p", "RowKey": "r"}, etag)


def _counting_transactions(table: Any) -> list[int]:
    sizes: list[int] = []
    original: Callable[..., Any] = table.submit_transaction

    def counting(operations: Any, **kwargs: Any) -> Any:
        operations = list(operations)
        sizes.append(len(operations))
        return original(operations, **kwargs)

    table.submit_transaction = counting
    return sizes


def test_250_entities_are_written_in_transactions_of_at_most_100(table_store: TableStore, table_name) -> None:
    table = table_store.table(table_name("Batch"))
    sizes = _counting_transactions(table)
    operations = [("upsert", {"PartitionKey": "day", "RowKey": f"{i:04}", "n": i}) for i in range(250)]

    results = submit_in_transactions(table, operations)

    assert sizes == [100, 100, 50]
    assert len(results) == 250
    stored = list(table.query_entities("PartitionKey eq 'day'"))
    assert sorted(e["n"] for e in stored) == list(range(250))


def test_a_stale_etag_inside_a_transaction_raises_stale(table_store: TableStore, table_name) -> None:
    table = table_store.table(table_name("TxStale"))
    old = write_entity(table, {"PartitionKey": "p", "RowKey": "r", "v": 1})
    write_entity(table, {"PartitionKey": "p", "RowKey": "r", "v": 2})
    condition = {"mode": UpdateMode.REPLACE, "etag": old, "match_condition": MatchConditions.IfNotModified}
    with pytest.raises(StaleEntityError):
        submit_in_transactions(
            table,
            [
                ("upsert", {"PartitionKey": "p", "RowKey": "other"}),
                ("update", {"PartitionKey": "p", "RowKey": "r"}, condition),
            ],
        )
    # The transaction is atomic: the first operation did not happen either.
    assert read_entity(table, "p", "other") is None


def test_query_page_walks_all_rows_in_key_order_with_full_pages(table_store: TableStore, table_name) -> None:
    table = table_store.table(table_name("Pages"))
    keys = sorted((f"p{p}", f"r{r:02}") for p in range(3) for r in range(9))
    submit_in_transactions(table, [("upsert", {"PartitionKey": pk, "RowKey": rk}) for pk, rk in keys])

    seen: list[tuple[str, str]] = []
    pages: list[int] = []
    token = None
    while True:
        entities, token = query_page(table, Filter(), 10, token)
        pages.append(len(entities))
        seen.extend((e["PartitionKey"], e["RowKey"]) for e in entities)
        if token is None:
            break

    assert seen == keys
    assert pages == [10, 10, 7]


def test_query_page_combines_a_filter_with_the_continuation(table_store: TableStore, table_name) -> None:
    table = table_store.table(table_name("Filtered"))
    submit_in_transactions(
        table, [("upsert", {"PartitionKey": "p", "RowKey": f"{i:02}", "even": i % 2 == 0}) for i in range(20)]
    )
    where = Filter().where("even", "eq", True)

    first, token = query_page(table, where, 4, None)
    second, end = query_page(table, where, 10, token)

    assert [e["RowKey"] for e in first] == ["00", "02", "04", "06"]
    assert [e["RowKey"] for e in second] == ["08", "10", "12", "14", "16", "18"]
    assert end is None
