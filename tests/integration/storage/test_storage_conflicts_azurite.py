from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from shared.storage import Conflict, ConflictItem, ConflictRepository, StaleEntityError, TableConflictRepository
from shared.storage.tables import TableStore

DAY = dt.date(2025, 3, 10)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, 10, hour, minute, tzinfo=dt.UTC)


def conflict(user: str = "adele@contoso.com", day: dt.date = DAY, group: str = "g1", **extra: Any) -> Conflict:
    items = [
        ConflictItem(event_id="AAMk-1", subject="Client call", start=at(10), end=at(11), importance="high",
                     categories=["Acme - billable"]),
        ConflictItem(event_id="AAMk-2", subject="Design review", start=at(10, 30), end=at(11, 30), importance="high"),
    ]
    return Conflict.model_validate({"user": user, "date": day, "group_key": group, "items": items,
                                    "instance_id": "adele:2025-03-10", **extra})


def test_round_trip_and_deterministic_url_safe_id(conflicts: ConflictRepository) -> None:
    original = conflict()
    stored = conflicts.upsert(original)

    fetched = conflicts.get(original.id)

    assert re.fullmatch(r"[A-Za-z0-9_-]+", original.id)
    assert original.id == Conflict.make_id("ADELE@contoso.com", DAY, "g1")
    assert stored.etag and fetched is not None
    assert fetched.model_dump(exclude={"etag"}) == original.model_dump(exclude={"etag"})
    assert fetched.etag == stored.etag


def test_get_of_unknown_or_foreign_ids_is_none(conflicts: ConflictRepository) -> None:
    assert conflicts.get(Conflict.make_id("x@y.z", DAY, "nope")) is None
    assert conflicts.get("../../etc") is None


def test_rerun_refreshes_an_open_conflict_but_never_reopens_a_resolved_one(conflicts: ConflictRepository) -> None:
    first = conflicts.upsert(conflict())
    refreshed = conflicts.upsert(conflict(instance_id="adele:2025-03-10:rerun"))
    assert refreshed.instance_id == "adele:2025-03-10:rerun"
    assert refreshed.created_at == first.created_at

    resolved = refreshed.resolved(by="adele@contoso.com", kept=["AAMk-1"], note="client first", at=at(12))
    conflicts.save(resolved)
    after_rerun = conflicts.upsert(conflict(instance_id="adele:2025-03-10:third"))
    again = conflicts.upsert_many([conflict(instance_id="adele:2025-03-10:fourth")])

    stored = conflicts.get(first.id)
    assert stored is not None
    for seen in (after_rerun, again[0], stored):
        assert seen.status == "resolved"
        assert seen.kept == ["AAMk-1"] and seen.resolved_by == "adele@contoso.com" and seen.note == "client first"
        assert seen.instance_id == "adele:2025-03-10:rerun"


def test_save_with_a_stale_etag_is_rejected(conflicts: ConflictRepository) -> None:
    stored = conflicts.upsert(conflict())
    conflicts.save(stored.resolved(by="alex@contoso.com", kept=["AAMk-2"]))

    with pytest.raises(StaleEntityError):
        conflicts.save(stored.resolved(by="adele@contoso.com", kept=["AAMk-1"]))

    current = conflicts.get(stored.id)
    assert current is not None and current.resolved_by == "alex@contoso.com"


def test_query_by_user_date_range_and_status(conflicts: ConflictRepository) -> None:
    for offset in range(4):
        day = DAY + dt.timedelta(days=offset)
        conflicts.upsert(conflict("adele@contoso.com", day))
        conflicts.upsert(conflict("alex@contoso.com", day))
    resolved = conflicts.get(Conflict.make_id("adele@contoso.com", DAY + dt.timedelta(days=1), "g1"))
    assert resolved is not None
    conflicts.save(resolved.resolved(by="adele@contoso.com", kept=["AAMk-1"]))

    adele = conflicts.query(user="Adele@Contoso.com", start=DAY + dt.timedelta(days=1), end=DAY + dt.timedelta(days=2))
    open_ones = conflicts.query(user="adele@contoso.com", status="open")
    all_of_day = conflicts.query(start=DAY, end=DAY)

    assert [(c.user, c.date.day) for c in adele.items] == [("adele@contoso.com", 11), ("adele@contoso.com", 12)]
    assert sorted(c.date.day for c in open_ones.items) == [10, 12, 13]
    assert sorted(c.user for c in all_of_day.items) == ["adele@contoso.com", "alex@contoso.com"]


def test_paging_with_continuation(conflicts: ConflictRepository) -> None:
    conflicts.upsert_many(conflict(group=f"g{i:02}", day=DAY + dt.timedelta(days=i % 3)) for i in range(25))

    ids: list[str] = []
    sizes: list[int] = []
    token = None
    while True:
        page = conflicts.query(page_size=10, continuation=token)
        ids.extend(c.id for c in page.items)
        sizes.append(len(page.items))
        token = page.continuation
        if token is None:
            break

    assert sizes == [10, 10, 5]
    assert len(set(ids)) == 25


def test_upsert_many_writes_250_conflicts_in_transactions_of_at_most_100(
    table_store: TableStore, table_name
) -> None:
    name = table_name("ConflictBatch")
    repository = TableConflictRepository(table_store, name)
    sizes: list[int] = []
    table = table_store.table(name)
    original = table.submit_transaction

    def counting(operations: Any, **kwargs: Any) -> Any:
        operations = list(operations)
        sizes.append(len(operations))
        return original(operations, **kwargs)

    table.submit_transaction = counting  # type: ignore[method-assign]
    batch = [conflict(group=f"group-{i:03}") for i in range(250)]

    stored = repository.upsert_many(batch)

    assert sizes == [100, 100, 50]
    assert [c.id for c in stored] == [c.id for c in batch] and all(c.etag for c in stored)
    listed = repository.query(start=DAY, end=DAY, page_size=1000)
    assert len(listed.items) == 250 and listed.continuation is None
    # Re-running the same day updates in place: still 250 rows, and resolved ones stay resolved.
    first = listed.items[0]
    repository.save(first.resolved(by="adele@contoso.com", kept=["AAMk-1"]))
    repository.upsert_many(conflict(group=f"group-{i:03}", instance_id="rerun") for i in range(250))
    rerun = repository.query(start=DAY, end=DAY, page_size=1000).items
    assert len(rerun) == 250
    assert sum(c.status == "resolved" for c in rerun) == 1
    assert sum(c.instance_id == "rerun" for c in rerun) == 249


def test_a_group_with_many_items_is_stored_whole(conflicts: ConflictRepository) -> None:
    items = [
        ConflictItem(event_id=f"AAMk-{i:04}-" + "x" * 120, subject="Standup " * 20, start=at(9), end=at(10))
        for i in range(400)
    ]
    big = conflicts.upsert(conflict(items=items))

    fetched = conflicts.get(big.id)

    assert fetched is not None and fetched.items == items
