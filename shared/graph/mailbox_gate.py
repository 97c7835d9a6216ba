"""Process-wide cap on concurrent Graph requests per mailbox.

Exchange allows 4 concurrent requests per app and mailbox and answers the fifth with 429
(MailboxConcurrency). Every GraphClient in the process shares one gate, so however many threads and
clients work on a mailbox, at most `limit` requests are in flight for it. Waiters are served first come,
first served, so a $batch waiting for several permits is not starved by single requests."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class MailboxGate:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._in_flight: dict[str, int] = {}
        self._queues: dict[str, deque[object]] = {}

    @contextmanager
    def hold(self, mailbox: str | None, permits: int, limit: int) -> Iterator[None]:
        """Hold `permits` of the mailbox's `limit` while the block runs. No mailbox: no limit."""
        if mailbox is None or limit <= 0:
            yield
            return
        key = mailbox.strip().lower()
        wanted = max(1, min(permits, limit))
        self._acquire(key, wanted, limit)
        try:
            yield
        finally:
            self._release(key, wanted)

    def in_flight(self, mailbox: str) -> int:
        with self._lock:
            return self._in_flight.get(mailbox.strip().lower(), 0)

    def _acquire(self, key: str, wanted: int, limit: int) -> None:
        ticket = object()
        with self._lock:
            queue = self._queues.setdefault(key, deque())
            queue.append(ticket)
            try:
                while queue[0] is not ticket or self._in_flight.get(key, 0) + wanted > limit:
                    self._lock.wait()
            except BaseException:
                queue.remove(ticket)
                self._lock.notify_all()
                raise
            queue.popleft()
            self._in_flight[key] = self._in_flight.get(key, 0) + wanted
            if not queue:
                del self._queues[key]
            # The next waiter in line may fit alongside us.
            self._lock.notify_all()

    def _release(self, key: str, released: int) -> None:
        with self._lock:
            left = self._in_flight.get(key, 0) - released
            if left > 0:
                self._in_flight[key] = left
            else:
                self._in_flight.pop(key, None)
            self._lock.notify_all()


# One gate for the whole process (what Exchange counts is per app, not per client object).
MAILBOX_GATE = MailboxGate()
