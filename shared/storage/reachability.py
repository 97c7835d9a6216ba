"""A quick answer to "does storage answer at all?", so a command fails in seconds instead of retrying for minutes."""

from __future__ import annotations

from azure.core.exceptions import AzureError
from azure.data.tables import TableServiceClient

from shared.config import Settings
from shared.storage.errors import StorageError

PROBE_SECONDS = 3.0


class StorageUnreachable(StorageError):
    pass


def check_storage(settings: Settings, timeout: float = PROBE_SECONDS) -> None:
    """One table listing with no retries and short timeouts. Identity-based accounts are not probed here: getting a
    token may legitimately take longer than a connection check should."""
    if not settings.storage_connection:
        return
    client = TableServiceClient.from_connection_string(
        settings.storage_connection, retry_total=0, connection_timeout=timeout, read_timeout=timeout
    )
    try:
        next(iter(client.list_tables(results_per_page=1)), None)
    except AzureError as error:
        raise StorageUnreachable(
            f"storage at {client.url.rstrip('/')} did not answer ({type(error).__name__}); is it running, and is "
            "AzureWebJobsStorage right?"
        ) from None
    finally:
        client.close()
