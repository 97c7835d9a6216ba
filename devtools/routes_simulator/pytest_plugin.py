"""Pytest fixture `routes_sim`: a started Routes API simulator (key `SIM_API_KEY`), stopped after the test.

Import it into a conftest (`from devtools.routes_simulator.pytest_plugin import routes_sim  # noqa: F401`):
pytest only honours `pytest_plugins` in the top-level conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.routes_simulator.simulator import RoutesSimulator


@pytest.fixture
def routes_sim() -> Iterator[RoutesSimulator]:
    with RoutesSimulator() as sim:
        yield sim
