"""One write batch per mailbox at a time, across workers: two lease objects stand for two worker processes."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from shared.storage.keys import safe_key
from shared.storage.lease import PARTITION, LeaseTimeoutError, MailboxLease
from shared.storage.tables import TableStore
from tests.polling import wait_for


@pytest.fixture
def leases(table_store: TableStore) -> tuple[MailboxLease, MailboxLease]:
    name = f"Leases{uuid.uuid4().hex[:12]}"
    return (
        MailboxLease(lambda: table_store.table(name), poll_seconds=0.005),
        MailboxLease(lambda: table_store.table(name), poll_seconds=0.005),
    )


def test_workers_never_hold_one_mailbox_together_but_mailboxes_proceed_in_parallel(leases):
    holding: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    lock = threading.Lock()
    both_mailboxes_at_once = threading.Event()

    def batch(worker: int, mailbox: str) -> None:
        with leases[worker].hold(mailbox, timeout=30):
            with lock:
                holding[mailbox] += 1
                peak[mailbox] = max(peak[mailbox], holding[mailbox])
                if all(holding[m] for m in ("a@contoso.example", "b@contoso.example")):
                    both_mailboxes_at_once.set()
            both_mailboxes_at_once.wait(0.02)
            with lock:
                holding[mailbox] -= 1

    jobs = [(i % 2, "a@contoso.example" if i % 3 else "b@contoso.example") for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: batch(*job), jobs))

    assert peak["a@contoso.example"] == 1 and peak["b@contoso.example"] == 1
    assert both_mailboxes_at_once.is_set(), "different mailboxes must not wait for each other"


def test_a_lease_left_by_a_dead_worker_expires(table_store: TableStore):
    name = f"Leases{uuid.uuid4().hex[:12]}"
    now = [datetime(2026, 11, 24, 9, 0, tzinfo=UTC)]
    # Its renewer never runs again either: the process is gone.
    dead = MailboxLease(lambda: table_store.table(name), duration=timedelta(minutes=5),
                        renew_every=timedelta(hours=1), clock=lambda: now[0])
    alive = MailboxLease(lambda: table_store.table(name), poll_seconds=0.005, clock=lambda: now[0])
    holder = dead.hold("c@contoso.example")
    holder.__enter__()  # never released: the worker died

    with pytest.raises(LeaseTimeoutError), alive.hold("c@contoso.example", timeout=0.2):
        pass
    now[0] += timedelta(minutes=6)
    with alive.hold("c@contoso.example", timeout=5):
        pass


def test_the_holder_renews_its_lease_so_a_batch_longer_than_the_lease_keeps_the_mailbox(table_store: TableStore):
    name = f"Leases{uuid.uuid4().hex[:12]}"
    now = [datetime(2026, 11, 24, 9, 0, tzinfo=UTC)]
    minute = timedelta(minutes=1)
    first = MailboxLease(lambda: table_store.table(name), duration=minute, renew_every=timedelta(milliseconds=20),
                         clock=lambda: now[0])
    second = MailboxLease(lambda: table_store.table(name), duration=minute, poll_seconds=0.005, clock=lambda: now[0])

    def expires() -> datetime:
        row = table_store.table(name).get_entity(PARTITION, safe_key("d@contoso.example"))
        return datetime.fromisoformat(row["expires"])

    with first.hold("d@contoso.example"):
        for _ in range(5):  # a batch waiting five times as long as the lease lasts
            now[0] += timedelta(seconds=50)
            wait_for(lambda: expires() > now[0] + timedelta(seconds=30), timeout=10, interval=0.01)
            with pytest.raises(LeaseTimeoutError), second.hold("d@contoso.example", timeout=0.05):
                pass
    # Released with the etag of the last renewal: the next worker gets the mailbox at once.
    with second.hold("d@contoso.example", timeout=1):
        pass


def test_a_waiting_batch_of_the_same_worker_inherits_the_lease_and_the_last_one_releases_it(table_store: TableStore):
    name = f"Leases{uuid.uuid4().hex[:12]}"
    worker = MailboxLease(lambda: table_store.table(name), poll_seconds=0.005)
    other = MailboxLease(lambda: table_store.table(name), poll_seconds=0.005)
    first_in = threading.Event()
    rows_seen: list[str] = []

    def row_owner() -> str:
        return str(table_store.table(name).get_entity(PARTITION, safe_key("e@contoso.example"))["owner"])

    def first() -> None:
        with worker.hold("e@contoso.example"):
            rows_seen.append(row_owner())
            first_in.set()
            wait_for(lambda: worker._local("e@contoso.example").queued == 2, timeout=10, interval=0.005)

    def second() -> None:
        first_in.wait(10)
        with worker.hold("e@contoso.example"):
            rows_seen.append(row_owner())
            with pytest.raises(LeaseTimeoutError), other.hold("e@contoso.example", timeout=0.05):
                pass  # still this worker's while its second batch runs

    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(first), pool.submit(second)]:
            done.result()

    assert len(rows_seen) == 2 and rows_seen[0] == rows_seen[1]  # handed over: never released in between
    with other.hold("e@contoso.example", timeout=1):  # released by the last batch
        pass


def test_a_waiter_that_gives_up_does_not_keep_the_lease_for_its_worker(table_store: TableStore):
    name = f"Leases{uuid.uuid4().hex[:12]}"
    worker = MailboxLease(lambda: table_store.table(name), poll_seconds=0.005)
    other = MailboxLease(lambda: table_store.table(name), poll_seconds=0.005)

    with worker.hold("f@contoso.example"), ThreadPoolExecutor(max_workers=1) as pool:
        impatient = pool.submit(lambda: worker.hold("f@contoso.example", timeout=0.05).__enter__())
        with pytest.raises(LeaseTimeoutError):
            impatient.result()

    assert worker._local("f@contoso.example").queued == 0
    with other.hold("f@contoso.example", timeout=1):  # released when the holder left: nobody was waiting any more
        pass
