"""A Blob Storage container that is created the first time it is used."""

from __future__ import annotations

import contextlib
import threading

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient, ContainerClient


class LazyContainer:
    """Thread-safe; creating the container once per process spares a round trip on every call."""

    def __init__(self, service: BlobServiceClient, name: str) -> None:
        self._service = service
        self.name = name
        self._client: ContainerClient | None = None
        self._lock = threading.Lock()

    def client(self) -> ContainerClient:
        with self._lock:
            if self._client is None:
                container = self._service.get_container_client(self.name)
                with contextlib.suppress(ResourceExistsError):
                    container.create_container()
                self._client = container
            return self._client
