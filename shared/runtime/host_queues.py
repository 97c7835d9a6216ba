"""Queue triggers and queue outputs against Azure Storage queues (Azurite locally), with the host's retry rules."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.functions.queue import QueueMessage
from azure.storage.queue import QueueClient
from azure.storage.queue import QueueMessage as StoredMessage

from shared.runtime.host_config import QueueSettings

logger = logging.getLogger(__name__)

POISON_SUFFIX = "-poison"
# While a function runs its message stays hidden this long; after a failure it reappears after the retry delay.
_PROCESSING_VISIBILITY_SECONDS = 300


def open_queue(connection_string: str, queue_name: str) -> QueueClient:
    client = QueueClient.from_connection_string(connection_string, queue_name)
    with contextlib.suppress(ResourceExistsError):
        client.create_queue()
    return client


def decode_body(content: str) -> bytes:
    """Senders may base64-encode (the Functions default) or not; a body that decodes to text is taken as base64."""
    try:
        decoded = base64.b64decode(content, validate=True)
        text = decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        return content.encode("utf-8")
    if content and not decoded:
        return content.encode("utf-8")
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        return content.encode("utf-8")
    return decoded


def encode_output(value: Any) -> list[str]:
    """Output binding values as base64 message bodies, like the host's default message encoding."""
    values: Iterable[Any] = value if isinstance(value, list) else [value]
    bodies: list[str] = []
    for item in values:
        if item is None:
            continue
        if isinstance(item, QueueMessage):
            item = item.get_body()
        raw = item if isinstance(item, bytes) else (item if isinstance(item, str) else json.dumps(item)).encode()
        bodies.append(base64.b64encode(raw).decode("ascii"))
    return bodies


class QueueSender:
    def __init__(self, connection_string: str) -> None:
        self._connection_string = connection_string
        self._clients: dict[str, QueueClient] = {}
        self._lock = threading.Lock()

    def send(self, queue_name: str, value: Any) -> None:
        with self._lock:
            if queue_name not in self._clients:
                self._clients[queue_name] = open_queue(self._connection_string, queue_name)
            client = self._clients[queue_name]
        for body in encode_output(value):
            client.send_message(body)


class QueueListener:
    """Polls one queue for one queue-triggered function; `process` runs the function and raises on failure."""

    def __init__(
        self,
        connection_string: str,
        queue_name: str,
        process: Callable[[QueueMessage], None],
        poll_interval: float,
        retry_delay_seconds: int,
        settings: QueueSettings,
    ) -> None:
        self.queue_name = queue_name
        self._connection_string = connection_string
        self._process = process
        self._poll_interval = poll_interval
        self._retry_delay = retry_delay_seconds
        self._max_dequeue = settings.max_dequeue_count
        self._batch_size = settings.batch_size
        self._queue: QueueClient | None = None
        self._poison: QueueClient | None = None
        self._in_flight = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, stop: threading.Event) -> None:
        self._queue = open_queue(self._connection_string, self.queue_name)
        self._thread = threading.Thread(target=self._run, args=(stop,), name=f"queue-{self.queue_name}", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def pending(self) -> int:
        """Messages still in the queue (visible or not) plus those being processed right now."""
        assert self._queue is not None, "listener not started"
        with self._lock:
            in_flight = self._in_flight
        return int(self._queue.get_queue_properties().approximate_message_count or 0) + in_flight

    def _run(self, stop: threading.Event) -> None:
        failing = False
        while not stop.is_set():
            try:
                handled = self.poll_once()
                failing = False
            except AzureError as error:
                if not failing:
                    logger.warning("Polling queue %s failed: %s", self.queue_name, type(error).__name__)
                failing, handled = True, 0
            if handled == 0:
                stop.wait(self._poll_interval)

    def poll_once(self) -> int:
        assert self._queue is not None, "listener not started"
        with self._lock:
            # Counted before the messages leave the visible set so `pending` never reads zero in between.
            self._in_flight += 1
        try:
            messages = list(self._queue.receive_messages(
                messages_per_page=self._batch_size, max_messages=self._batch_size,
                visibility_timeout=_PROCESSING_VISIBILITY_SECONDS,
            ))
            with self._lock:
                self._in_flight += len(messages)
        finally:
            with self._lock:
                self._in_flight -= 1
        for stored in messages:
            try:
                self._handle(stored)
            finally:
                with self._lock:
                    self._in_flight -= 1
        return len(messages)

    def _handle(self, stored: StoredMessage) -> None:
        assert self._queue is not None
        dequeue_count = int(stored.dequeue_count or 1)
        if dequeue_count > self._max_dequeue:
            self._to_poison(stored)
            return
        message = QueueMessage(
            id=stored.id,
            body=decode_body(str(stored.content or "")),
            dequeue_count=dequeue_count,
            expiration_time=stored.expires_on,
            insertion_time=stored.inserted_on,
            time_next_visible=stored.next_visible_on,
            pop_receipt=stored.pop_receipt,
        )
        try:
            self._process(message)
        except Exception:
            logger.exception("Queue function for %s failed on message %s (dequeue %d of %d)",
                             self.queue_name, stored.id, dequeue_count, self._max_dequeue)
            if dequeue_count >= self._max_dequeue:
                self._to_poison(stored)
            else:
                self._queue.update_message(stored, visibility_timeout=self._retry_delay)
            return
        self._queue.delete_message(stored)

    def _to_poison(self, stored: StoredMessage) -> None:
        assert self._queue is not None
        if self._poison is None:
            self._poison = open_queue(self._connection_string, self.queue_name + POISON_SUFFIX)
        self._poison.send_message(stored.content)
        self._queue.delete_message(stored)
        logger.warning("Message %s moved to %s%s after %s dequeues",
                       stored.id, self.queue_name, POISON_SUFFIX, stored.dequeue_count)
