"""Blob staging for data too large to travel through Durable history (a day's events, its write batches)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient

from shared.storage.blobs import LazyContainer

STAGING_CONTAINER = "archive-staging"
PARALLEL_REQUESTS = 8  # blob uploads or deletes in flight at once for one call
T = TypeVar("T")


class StagingNotFoundError(LookupError):
    pass


class StagingStore(Protocol):
    def put_json(self, name: str, value: Any) -> None: ...

    def get_json(self, name: str) -> Any: ...

    def put_many(self, values: dict[str, Any]) -> None: ...

    def delete_prefix(self, prefix: str) -> int: ...


class BlobStagingStore:
    def __init__(self, service: BlobServiceClient, container: str = STAGING_CONTAINER) -> None:
        self._container = LazyContainer(service, container)

    def put_json(self, name: str, value: Any) -> None:
        data = json.dumps(value, separators=(",", ":"), default=str).encode()
        self._container.client().upload_blob(name, data, overwrite=True)

    def get_json(self, name: str) -> Any:
        try:
            return json.loads(self._container.client().download_blob(name).readall())
        except ResourceNotFoundError:
            missing = f"staged data '{name}' is missing from container '{self._container.name}'"
            raise StagingNotFoundError(missing) from None

    def put_many(self, values: dict[str, Any]) -> None:
        """Several blobs at once: a day's write batches are all staged before the first one may start."""
        _in_parallel(lambda item: self.put_json(*item), values.items())

    def delete_prefix(self, prefix: str) -> int:
        container = self._container.client()
        names = [blob.name for blob in container.list_blobs(name_starts_with=prefix)]

        def delete(name: str) -> None:
            with contextlib.suppress(ResourceNotFoundError):
                container.delete_blob(name)

        _in_parallel(delete, names)
        return len(names)


def _in_parallel(work: Callable[[T], None], items: Iterable[T]) -> None:
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        list(pool.map(work, items))  # list(): re-raises the first failure
