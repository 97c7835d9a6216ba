"""Access to Azure Table Storage: the service client, tables created on first use, transactions, ETag writes."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from azure.core import MatchConditions
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableEntity, TableServiceClient, TableTransactionError, UpdateMode

from shared.storage.errors import EntityNotFoundError, StaleEntityError
from shared.storage.keys import safe_key, unsafe_key

__all__ = [
    "MAX_TRANSACTION_BYTES",
    "MAX_TRANSACTION_OPERATIONS",
    "EntityNotFoundError",
    "StaleEntityError",
    "TableStore",
    "plan_transactions",
    "read_entity",
    "safe_key",
    "submit_in_transactions",
    "unsafe_key",
    "write_entity",
]

MAX_TRANSACTION_OPERATIONS = 100  # service limit per entity group transaction
MAX_TRANSACTION_BYTES = 3_500_000  # the service allows 4 MiB per transaction; leave room for the multipart framing

_STALE_CODES = ("UpdateConditionNotSatisfied", "EntityAlreadyExists")
_TABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{2,62}$")

Operation = tuple[Any, ...]  # ("create" | "upsert" | "update" | "delete", entity[, kwargs]) as the SDK takes them


class TableStore:
    """One storage account's tables. Thread-safe; each table is created the first time it is asked for."""

    def __init__(self, service: TableServiceClient) -> None:
        self._service = service
        self._tables: dict[str, TableClient] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_connection_string(cls, connection_string: str) -> TableStore:
        """Also accepts `UseDevelopmentStorage=true` (the local Azurite defaults)."""
        return cls(TableServiceClient.from_connection_string(connection_string))

    @classmethod
    def from_account(
        cls, account_name: str, credential: TokenCredential, *, endpoint: str | None = None
    ) -> TableStore:
        """Identity-based access (`AzureWebJobsStorage__accountName`): no key or connection string needed."""
        endpoint = endpoint or f"https://{account_name}.table.core.windows.net"
        return cls(TableServiceClient(endpoint=endpoint, credential=credential))

    @property
    def url(self) -> str:
        return str(self._service.url)

    def table(self, name: str) -> TableClient:
        if not _TABLE_NAME.match(name):
            raise ValueError(f"invalid table name {name!r}: 3-63 letters and digits, starting with a letter")
        with self._lock:
            client = self._tables.get(name)
            if client is None:
                client = self._service.create_table_if_not_exists(name)
                self._tables[name] = client
            return client

    def close(self) -> None:
        with self._lock:
            for client in self._tables.values():
                client.close()
            self._tables.clear()
        self._service.close()


def read_entity(table: TableClient, partition_key: str, row_key: str) -> TableEntity | None:
    try:
        return table.get_entity(partition_key, row_key)
    except ResourceNotFoundError:
        return None


def write_entity(table: TableClient, entity: Mapping[str, Any], etag: str | None = None) -> str:
    """Replace the row; with an ETag only if nobody changed it since (optimistic concurrency). Returns the new ETag."""
    partition_key, row_key = entity["PartitionKey"], entity["RowKey"]
    try:
        if etag is None:
            result = table.upsert_entity(dict(entity), mode=UpdateMode.REPLACE)
        else:
            result = table.update_entity(
                dict(entity), mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
            )
    except ResourceModifiedError:
        raise StaleEntityError(table.table_name, partition_key, row_key) from None
    except ResourceNotFoundError:
        raise EntityNotFoundError(table.table_name, partition_key, row_key) from None
    return str(result["etag"])


def plan_transactions(operations: Iterable[Operation]) -> list[list[Operation]]:
    """Group operations into valid entity group transactions.

    A transaction holds one PartitionKey, at most 100 operations, at most ~4 MiB and each RowKey once; order within a
    partition is kept, so a repeated RowKey starts a new transaction and the later write still wins.
    """
    by_partition: dict[str, list[Operation]] = {}
    for operation in operations:
        by_partition.setdefault(str(operation[1]["PartitionKey"]), []).append(operation)
    batches: list[list[Operation]] = []
    for partition_ops in by_partition.values():
        current: list[Operation] = []
        row_keys: set[str] = set()
        size = 0
        for operation in partition_ops:
            row_key = str(operation[1]["RowKey"])
            op_size = _approximate_size(operation[1])
            full = len(current) >= MAX_TRANSACTION_OPERATIONS or size + op_size > MAX_TRANSACTION_BYTES
            if current and (full or row_key in row_keys):
                batches.append(current)
                current, row_keys, size = [], set(), 0
            current.append(operation)
            row_keys.add(row_key)
            size += op_size
        if current:
            batches.append(current)
    return batches


def submit_in_transactions(table: TableClient, operations: Iterable[Operation]) -> list[Mapping[str, Any]]:
    """Submit operations as few transactions as the service allows.

    Each transaction is atomic; transactions are not atomic with each other, so a failure leaves the earlier
    transactions committed (callers make their writes idempotent). An ETag mismatch, or a create that finds the
    row already there, raises StaleEntityError.
    """
    results: list[Mapping[str, Any]] = []
    for batch in plan_transactions(operations):
        try:
            results.extend(table.submit_transaction(batch))
        except TableTransactionError as error:
            failed = _failed_entity(batch, error.index)
            # 412: an ETag no longer matches; 409: a row to create appeared. Either way the caller read stale data.
            if error.status_code in (409, 412) or _code(error) in _STALE_CODES:
                raise StaleEntityError(table.table_name, failed["PartitionKey"], failed["RowKey"]) from None
            if error.status_code == 404 or _code(error) == "ResourceNotFound":
                raise EntityNotFoundError(table.table_name, failed["PartitionKey"], failed["RowKey"]) from None
            raise
    return results


def _failed_entity(batch: Sequence[Operation], index: int | None) -> Mapping[str, Any]:
    position = index if index is not None and 0 <= index < len(batch) else 0
    return batch[position][1]  # type: ignore[no-any-return]


def _approximate_size(entity: Mapping[str, Any]) -> int:
    # JSON with ensure_ascii counts non-ASCII characters pessimistically, which is what a budget wants.
    return len(json.dumps(dict(entity), default=str)) + 200


def _code(error: TableTransactionError) -> str | None:
    code = getattr(error, "error_code", None)  # set by azure-core at runtime, not declared on the class
    return str(code.value if hasattr(code, "value") else code) if code is not None else None
