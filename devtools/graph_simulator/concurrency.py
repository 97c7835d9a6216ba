"""Per-mailbox concurrency: Graph lets an app run at most N requests at once against one mailbox."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager


class MailboxConcurrency:
    """Counts requests per mailbox.

    `received` counts every request present at once, including those about to be refused (max_in_flight
    reports its peak, so a client that sends five at once is seen as five); admission compares the requests
    actually executing with the limit.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._received: defaultdict[str, int] = defaultdict(int)
        self._executing: defaultdict[str, int] = defaultdict(int)
        self._peak: defaultdict[str, int] = defaultdict(int)

    @contextmanager
    def enter(self, mailbox: str | None) -> Iterator[bool]:
        """Yields whether the request may execute; the count drops when the block exits."""
        if mailbox is None:
            yield True
            return
        with self._lock:
            self._received[mailbox] += 1
            self._peak[mailbox] = max(self._peak[mailbox], self._received[mailbox])
            admitted = self._executing[mailbox] < self.limit
            if admitted:
                self._executing[mailbox] += 1
        try:
            yield admitted
        finally:
            with self._lock:
                self._received[mailbox] -= 1
                if admitted:
                    self._executing[mailbox] -= 1

    def max_in_flight(self, mailbox: str) -> int:
        with self._lock:
            return self._peak.get(mailbox, 0)

    def reset_peaks(self) -> None:
        with self._lock:
            self._peak.clear()
            for mailbox, count in self._received.items():
                if count:
                    self._peak[mailbox] = count
