"""Sending messages to a Storage queue the way the Functions host reads them (base64 text)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from datetime import timedelta
from typing import Protocol

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import QueueClient, TextBase64EncodePolicy


class MessageQueue(Protocol):
    def send_many(self, messages: Iterable[str]) -> None: ...

    def send_later(self, message: str, delay: timedelta) -> None: ...


class StorageMessageQueue:
    def __init__(self, client: QueueClient) -> None:
        self._client = client
        self._created = False
        self._lock = threading.Lock()

    @classmethod
    def from_connection_string(cls, connection_string: str, queue_name: str) -> StorageMessageQueue:
        return cls(
            QueueClient.from_connection_string(
                connection_string, queue_name, message_encode_policy=TextBase64EncodePolicy()
            )
        )

    def send_many(self, messages: Iterable[str]) -> None:
        self._ensure_queue()
        for message in messages:
            self._client.send_message(message)

    def send_later(self, message: str, delay: timedelta) -> None:
        """The message becomes visible to the worker after `delay`."""
        self._ensure_queue()
        self._client.send_message(message, visibility_timeout=int(delay.total_seconds()))

    def _ensure_queue(self) -> None:
        with self._lock:
            if not self._created:
                with contextlib.suppress(ResourceExistsError):
                    self._client.create_queue()
                self._created = True
