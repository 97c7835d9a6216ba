from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.graph.mailbox_gate import MailboxGate


def _poll(condition, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return False


class Meter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def enter(self, n: int = 1) -> None:
        with self.lock:
            self.now += n
            self.peak = max(self.peak, self.now)

    def leave(self, n: int = 1) -> None:
        with self.lock:
            self.now -= n


def test_never_more_than_the_limit_per_mailbox_whatever_the_case() -> None:
    gate, meter = MailboxGate(), Meter()

    def work(i: int) -> None:
        with gate.hold("User@Contoso.com" if i % 2 else "user@contoso.com", 1, 4):
            meter.enter()
            time.sleep(0.005)
            meter.leave()

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(work, range(48)))
    assert meter.peak == 4
    assert gate.in_flight("user@contoso.com") == 0


def test_mailboxes_do_not_share_permits() -> None:
    gate = MailboxGate()
    with gate.hold("a@x.com", 4, 4):
        entered = threading.Event()

        def other() -> None:
            with gate.hold("b@x.com", 4, 4):
                entered.set()

        threading.Thread(target=other).start()
        assert entered.wait(2.0), "another mailbox must not wait for a full one"


def test_a_batch_holds_several_permits_and_waits_for_them_all() -> None:
    gate = MailboxGate()
    released = threading.Event()
    got_batch = threading.Event()
    with gate.hold("a@x.com", 1, 4):

        def batch() -> None:
            with gate.hold("a@x.com", 4, 4):
                got_batch.set()
                released.wait(2.0)

        threading.Thread(target=batch).start()
        assert _poll(lambda: "a@x.com" in gate._queues)
        assert not got_batch.is_set()
    assert got_batch.wait(2.0)
    assert gate.in_flight("a@x.com") == 4
    released.set()
    assert _poll(lambda: gate.in_flight("a@x.com") == 0)


def test_waiters_are_served_in_order_so_batches_are_not_starved() -> None:
    gate = MailboxGate()
    order: list[str] = []
    with gate.hold("a@x.com", 3, 4):
        threads = [threading.Thread(target=lambda: _enter(gate, order, "batch", 4))]
        threads[0].start()
        assert _poll(lambda: len(gate._queues.get("a@x.com", ())) == 1)
        # A single request would fit beside the 3 held permits, but the batch is first in line.
        threads.append(threading.Thread(target=lambda: _enter(gate, order, "single", 1)))
        threads[1].start()
        assert _poll(lambda: len(gate._queues.get("a@x.com", ())) == 2)
    for thread in threads:
        thread.join(2.0)
    assert order == ["batch", "single"]


def _enter(gate: MailboxGate, order: list[str], name: str, permits: int) -> None:
    with gate.hold("a@x.com", permits, 4):
        order.append(name)


def test_permits_are_clamped_to_the_limit_and_no_mailbox_means_no_limit() -> None:
    gate = MailboxGate()
    with gate.hold("a@x.com", 20, 4):
        assert gate.in_flight("a@x.com") == 4
    with gate.hold(None, 20, 4), gate.hold(None, 20, 4):
        pass


def test_permits_come_back_when_the_block_raises() -> None:
    gate = MailboxGate()
    with pytest.raises(RuntimeError), gate.hold("a@x.com", 2, 4):
        raise RuntimeError("boom")
    assert gate.in_flight("a@x.com") == 0
