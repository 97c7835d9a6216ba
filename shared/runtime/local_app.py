"""The app's functions and a Durable engine for in-process use (CLI, local host, tests)."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

from shared.runtime.host_config import APP_ROOT as ROOT

_lock = threading.Lock()
_functions: list[Any] | None = None


BINDING_SETTINGS = ("ARCHIVE_SCHEDULE", "NOTIFICATION_QUEUE")


def load_local_settings(path: Path = ROOT / "local.settings.json") -> None:
    """Like `func start`: the Values of local.settings.json become environment variables (the environment wins)."""
    if path.exists():
        from shared.config import SettingsError

        try:
            values = json.loads(path.read_text()).get("Values", {})
        except (ValueError, AttributeError) as error:
            raise SettingsError(f"{path.name} is not a JSON object with a Values object: {error}") from None
        if not isinstance(values, dict):
            raise SettingsError(f"{path.name}: Values must be an object of setting names and values")
        for name, value in values.items():
            os.environ.setdefault(name, str(value))
    apply_binding_defaults()


def apply_binding_defaults() -> None:
    """Settings named in bindings (`%NAME%`) are read by the host, not our settings model: give them its defaults."""
    from shared.config import Settings

    defaults = {field.alias: field.default for field in Settings.model_fields.values() if field.alias}
    for name in BINDING_SETTINGS:
        os.environ.setdefault(name, str(defaults[name]))


def app_functions() -> list[Any]:
    """The function list of function_app.app; the SDK allows get_functions() only once per app object."""
    global _functions
    with _lock:
        if _functions is None:
            if str(ROOT) not in sys.path:  # the console script may run from any directory
                sys.path.insert(0, str(ROOT))
            from function_app import app

            _functions = list(app.get_functions())
        return _functions


def new_engine(max_workers: int | None = None) -> Any:
    """By default as many activities run at once as host.json's `maxConcurrentActivityFunctions` allows in Azure."""
    from shared.runtime.engine import DurableEngine
    from shared.runtime.host_config import host_settings

    if max_workers is None:
        max_workers = host_settings().extensions.durable_task.max_concurrent_activity_functions
    return DurableEngine.from_functions(app_functions(), max_workers=max_workers)
