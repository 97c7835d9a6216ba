from __future__ import annotations

from shared.storage.tables import MAX_TRANSACTION_BYTES, plan_transactions


def op(partition: str, row: str, **props: object) -> tuple:
    return ("upsert", {"PartitionKey": partition, "RowKey": row, **props})


def test_250_operations_of_one_partition_become_100_100_50() -> None:
    batches = plan_transactions(op("day", f"{i:03}") for i in range(250))

    assert [len(b) for b in batches] == [100, 100, 50]
    assert [o[1]["RowKey"] for b in batches for o in b] == [f"{i:03}" for i in range(250)]


def test_each_transaction_holds_one_partition() -> None:
    operations = [op(p, f"{i}") for i in range(5) for p in ("a", "b", "c")]

    batches = plan_transactions(operations)

    assert len(batches) == 3
    for batch in batches:
        assert len({o[1]["PartitionKey"] for o in batch}) == 1
        assert len(batch) == 5


def test_a_repeated_row_starts_a_new_transaction_and_keeps_order() -> None:
    batches = plan_transactions([op("p", "1", v=1), op("p", "2"), op("p", "1", v=2)])

    assert [[o[1]["RowKey"] for o in b] for b in batches] == [["1", "2"], ["1"]]
    assert batches[-1][0][1]["v"] == 2


def test_transactions_stay_under_the_size_limit() -> None:
    big = "x" * 30_000
    batches = plan_transactions(op("p", f"{i}", a=big, b=big, c=big) for i in range(100))

    assert len(batches) > 1
    for batch in batches:
        assert sum(len(str(o[1])) for o in batch) < MAX_TRANSACTION_BYTES


def test_nothing_to_do_plans_nothing() -> None:
    assert plan_transactions([]) == []
