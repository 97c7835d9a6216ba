"""Errors raised by the Table Storage adapters (callers map them to HTTP 404 / 412 or exit codes)."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of the storage adapters' errors."""


class StaleEntityError(StorageError):
    """The row changed since it was read (ETag mismatch, HTTP 412): re-read and retry."""

    def __init__(self, table: str, partition_key: str, row_key: str) -> None:
        super().__init__(
            f"{table} row (PartitionKey={partition_key!r}, RowKey={row_key!r}) was changed by someone else "
            "since it was read; reload it and try again"
        )
        self.table = table
        self.partition_key = partition_key
        self.row_key = row_key


class EntityNotFoundError(StorageError):
    """The row to update does not exist (any more)."""

    def __init__(self, table: str, partition_key: str, row_key: str) -> None:
        super().__init__(f"{table} has no row (PartitionKey={partition_key!r}, RowKey={row_key!r})")
        self.table = table
        self.partition_key = partition_key
        self.row_key = row_key


class InvalidContinuationError(StorageError, ValueError):
    """A continuation token that this adapter did not issue."""
