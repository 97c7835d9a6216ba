from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from shared.storage import DedupStore


def test_first_seen_is_true_once_then_false(dedup: DedupStore) -> None:
    key = "sub-1/users/adele@contoso.com/events/AAMk=?#/updated/2025-03-10T08:00:00Z"

    assert dedup.first_seen(key) is True
    assert dedup.first_seen(key) is False
    assert dedup.first_seen(key + "x") is True


def test_exactly_one_of_eight_concurrent_callers_wins(dedup: DedupStore) -> None:
    start = threading.Barrier(8)

    def call(_: int) -> bool:
        start.wait(timeout=10)
        return dedup.first_seen("notification-42")

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(call, range(8)))

    assert outcomes.count(True) == 1


def test_a_key_is_new_again_after_its_ttl(dedup: DedupStore, clock) -> None:
    assert dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=10)) is True
    clock.advance(dt.timedelta(minutes=9))
    assert dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=10)) is False
    clock.advance(dt.timedelta(minutes=2))
    assert dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=10)) is True
    assert dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=10)) is False


def test_expired_takeover_is_won_by_exactly_one_caller(dedup: DedupStore, clock) -> None:
    dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=1))
    clock.advance(dt.timedelta(minutes=5))
    start = threading.Barrier(8)

    def call(_: int) -> bool:
        start.wait(timeout=10)
        return dedup.first_seen("k", ttl_hint=dt.timedelta(minutes=1))

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(call, range(8)))

    assert outcomes.count(True) == 1


def test_purge_removes_only_expired_markers(dedup: DedupStore, clock) -> None:
    dedup.first_seen("short", ttl_hint=dt.timedelta(minutes=1))
    dedup.first_seen("long", ttl_hint=dt.timedelta(days=1))
    dedup.first_seen("forever")
    clock.advance(dt.timedelta(minutes=5))

    assert dedup.purge_expired() == 1
    assert dedup.first_seen("long") is False
    assert dedup.first_seen("forever") is False


def test_a_forgotten_key_is_new_again_and_others_stay_seen(dedup: DedupStore) -> None:
    assert dedup.first_seen("sub|Users/u/Events/1|updated|W/1")
    assert dedup.first_seen("sub|Users/u/Events/2|updated|W/1")

    dedup.forget("sub|Users/u/Events/1|updated|W/1")

    assert dedup.first_seen("sub|Users/u/Events/1|updated|W/1")
    assert not dedup.first_seen("sub|Users/u/Events/2|updated|W/1")
