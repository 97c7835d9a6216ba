"""What every command that uses the app's storage does first: read the settings, check storage answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.bootstrap import Container


def ready_container() -> Container:
    """The container for this run; SettingsError or StorageUnreachable (one line, exit 2 or 1) when it cannot work."""
    from shared.bootstrap import container
    from shared.config import get_settings
    from shared.runtime.local_app import load_local_settings
    from shared.storage.reachability import check_storage

    load_local_settings()
    check_storage(get_settings())
    return container()
