from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.azurite import Azurite
from shared.runtime.local_app import apply_binding_defaults

pytest_plugins = ["devtools.graph_simulator.pytest_plugin", "tests.stack"]


@pytest.fixture(scope="session", autouse=True)
def binding_settings() -> None:
    """What local.settings.json gives `func start`: the app settings that bindings name."""
    apply_binding_defaults()


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """One private in-memory Azurite per test session, on free ports, stopped by PID."""
    with Azurite() as server:
        yield server


@pytest.fixture(scope="session")
def storage_connection_string(azurite: Azurite) -> str:
    return azurite.connection_string
