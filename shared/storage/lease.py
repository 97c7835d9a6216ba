"""A per-mailbox lease so that only one $batch writes to a mailbox at a time, across every worker.

A $batch already runs 4 items in parallel, which is Outlook's per-mailbox concurrency limit; a second concurrent
batch would only earn 429s. Within a process a lock hands the mailbox over at once; across processes a Table row
with an expiry and etag-guarded takeover does the same, polled.

A batch may wait far longer than any fixed lease (6 attempts, each after a Retry-After of up to minutes), so the
holder renews the row while it holds it; the expiry only matters when a worker dies, and then it is short.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, UpdateMode

from shared.storage.keys import safe_key

PARTITION = "mailbox"
DEFAULT_DURATION = timedelta(minutes=1)

log = logging.getLogger(__name__)


class LeaseTimeoutError(TimeoutError):
    pass


class MailboxLease:
    def __init__(
        self,
        table: Callable[[], TableClient],
        *,
        duration: timedelta = DEFAULT_DURATION,
        renew_every: timedelta | None = None,
        poll_seconds: float = 0.05,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._table = table
        self._duration = duration
        # A third of the duration: two renewals can be late before another worker may take over.
        self._renew_every = (renew_every or duration / 3).total_seconds()
        self._poll = poll_seconds
        self._clock = clock
        self._mailboxes: dict[str, _Local] = {}
        self._guard = threading.Lock()

    def _local(self, mailbox: str) -> _Local:
        with self._guard:
            return self._mailboxes.setdefault(mailbox, _Local())

    @contextmanager
    def hold(self, mailbox: str, timeout: float = 600.0) -> Iterator[None]:
        mailbox = mailbox.lower()
        local = self._local(mailbox)
        with self._guard:
            local.queued += 1
        if not local.lock.acquire(timeout=timeout):
            self._leave(mailbox, local)
            raise LeaseTimeoutError(f"mailbox {mailbox} stayed busy for {timeout:.0f}s")
        try:
            if local.renewer is None or local.renewer.lost:
                # Not handed over by a holder in this process: take the row in the table.
                owner = uuid.uuid4().hex
                etag = self._acquire(mailbox, owner, time.monotonic() + timeout)
                local.renewer = _Renewer(lambda current: self._renew(mailbox, owner, current), etag,
                                         self._renew_every, mailbox)
                local.renewer.start()
            yield
        finally:
            with self._guard:
                local.queued -= 1
                hand_over = local.queued > 0
            # A batch of this process is waiting: it inherits the row (and its renewer) instead of a release and a
            # new acquire, two storage round trips between every two batches of a mailbox.
            if not hand_over:
                self._release_row(mailbox, local)
            local.lock.release()

    def _leave(self, mailbox: str, local: _Local) -> None:
        """A waiter gave up; if the row was kept for it and nobody else is coming, release the row now."""
        with self._guard:
            local.queued -= 1
            last = local.queued == 0
        # Waits only for a holder that has just decided to hand over (or, rarely, for one still running: that one
        # then releases the row itself and this finds nothing left to do).
        if last and local.lock.acquire(timeout=self._duration.total_seconds()):
            try:
                with self._guard:
                    unclaimed = local.queued == 0
                if unclaimed:
                    self._release_row(mailbox, local)
            finally:
                local.lock.release()

    def _release_row(self, mailbox: str, local: _Local) -> None:
        renewer, local.renewer = local.renewer, None
        if renewer is not None:
            self._release(mailbox, renewer.stop())

    def _row(self, mailbox: str, owner: str) -> dict[str, Any]:
        expires = (self._clock() + self._duration).isoformat()
        return {"PartitionKey": PARTITION, "RowKey": safe_key(mailbox), "owner": owner, "expires": expires}

    def _acquire(self, mailbox: str, owner: str, deadline: float) -> str:
        key = safe_key(mailbox)
        while True:
            entity = self._row(mailbox, owner)
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

    def _renew(self, mailbox: str, owner: str, etag: str) -> str:
        """Push the expiry forward; ResourceModifiedError/ResourceNotFoundError when the row is no longer ours."""
        meta = self._table().update_entity(
            self._row(mailbox, owner), mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
        )
        return str(meta["etag"])

    def _release(self, mailbox: str, etag: str | None) -> None:
        if etag is None:
            return  # lost to a takeover: the row belongs to the new holder
        # Not found or modified: it expired and was taken over; the new holder owns the row now.
        with contextlib.suppress(ResourceNotFoundError, ResourceModifiedError):
            self._table().delete_entity(
                PARTITION, safe_key(mailbox), etag=etag, match_condition=MatchConditions.IfNotModified
            )


class _Local:
    """This process's side of one mailbox: its lock, how many batches hold or wait for it, the row's renewer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.queued = 0
        self.renewer: _Renewer | None = None


class _Renewer:
    """Keeps one held lease alive from a daemon thread until `stop`, which returns the row's latest etag."""

    def __init__(self, renew: Callable[[str], str], etag: str, every_seconds: float, mailbox: str) -> None:
        self._renew = renew
        self._etag: str | None = etag
        self._every = every_seconds
        self._mailbox = mailbox
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-renewer-{mailbox}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def lost(self) -> bool:
        return self._etag is None

    def stop(self) -> str | None:
        self._stopped.set()
        self._thread.join()
        return self._etag

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            assert self._etag is not None
            try:
                self._etag = self._renew(self._etag)
            except (ResourceModifiedError, ResourceNotFoundError):
                # Only possible when renewals were late by a whole lease: another worker holds the mailbox now.
                log.warning("lease of mailbox %s was lost to another worker while a batch ran", self._mailbox)
                self._etag = None
                return
            except AzureError as exc:
                # Storage hiccup: the lease is still ours until it expires; the next round tries again.
                log.warning("renewing the lease of mailbox %s failed: %s", self._mailbox, type(exc).__name__)
