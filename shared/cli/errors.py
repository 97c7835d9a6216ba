"""The exit code and the one line a person reads for each error a command can meet (never a traceback)."""

from __future__ import annotations


def exit_code_for(error: Exception) -> tuple[int, str] | None:
    """2 for what the person can fix in the command or the settings, 1 for what failed around them; None: a bug."""
    from azure.core.exceptions import AzureError

    from shared.config import SettingsError
    from shared.domain.errors import InvalidInput, NotFound, UseCaseError
    from shared.graph.errors import GraphError, GraphNotFoundError
    from shared.storage.errors import StorageError

    # An unknown mailbox or calendar is something the person typed.
    if isinstance(error, InvalidInput | NotFound | SettingsError | GraphNotFoundError):
        return 2, str(error)
    if isinstance(error, UseCaseError | GraphError | StorageError):
        return 1, str(error)
    if isinstance(error, AzureError):
        return 1, f"storage did not answer ({type(error).__name__}); is it running and is AzureWebJobsStorage right?"
    return None
