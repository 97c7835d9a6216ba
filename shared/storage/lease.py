"""A per-mailbox lease so that only one $batch writes to a mailbox at a time, across every worker.

A $batch already runs 4 items in parallel, which is Outlook's per-mailbox concurrency limit; a second concurrent
batch would only earn 429s. Within a process a lock hands the mailbox over at once; across processes a Table row
with an expiry and etag-guarded takeover does the same, polled.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.storage.keys import safe_key

PARTITION = "mailbox"


class LeaseTimeoutError(TimeoutError):
    pass


class MailboxLease:
    def __init__(
        self,
        table: Callable[[], TableClient],
        *,
        duration: timedelta = timedelta(minutes=5),
        poll_seconds: float = 0.05,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._table = table
        self._duration = duration
        self._poll = poll_seconds
        self._clock = clock
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _local(self, mailbox: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(mailbox, threading.Lock())

    @contextmanager
    def hold(self, mailbox: str, timeout: float = 600.0) -> Iterator[None]:
        mailbox = mailbox.lower()
        local = self._local(mailbox)
        if not local.acquire(timeout=timeout):
            raise LeaseTimeoutError(f"mailbox {mailbox} stayed busy for {timeout:.0f}s")
        try:
            etag = self._acquire(mailbox, time.monotonic() + timeout)
            try:
                yield
            finally:
                self._release(mailbox, etag)
        finally:
            local.release()

    def _acquire(self, mailbox: str, deadline: float) -> str:
        key = safe_key(mailbox)
        owner = uuid.uuid4().hex
        while True:
            expires = (self._clock() + self._duration).isoformat()
            entity = {"PartitionKey": PARTITION, "RowKey": key, "owner": owner, "expires": expires}
            try:
                return str(self._table().create_entity(entity)["etag"])
            except ResourceExistsError:
                pass
            try:
                current = self._table().get_entity(PARTITION, key)
                if datetime.fromisoformat(current["expires"]) <= self._clock():
                    meta = self._table().update_entity(
                        entity,
                        mode=UpdateMode.REPLACE,
                        etag=current.metadata["etag"],
                        match_condition=MatchConditions.IfNotModified,
                    )
                    return str(meta["etag"])
            except (ResourceNotFoundError, ResourceModifiedError):
                continue
            if time.monotonic() > deadline:
                raise LeaseTimeoutError(f"mailbox {mailbox} is leased by another worker")
            time.sleep(self._poll * (1 + random.random()))

    def _release(self, mailbox: str, etag: str) -> None:
        # Not found or modified: it expired and was taken over; the new holder owns the row now.
        with contextlib.suppress(ResourceNotFoundError, ResourceModifiedError):
            self._table().delete_entity(
                PARTITION, safe_key(mailbox), etag=etag, match_condition=MatchConditions.IfNotModified
            )
