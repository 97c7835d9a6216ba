from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Imported rather than listed in `pytest_plugins`: pytest only honours that variable in the top-level conftest.
from devtools.graph_simulator import GraphSimulator
from devtools.graph_simulator.pytest_plugin import graph_sim  # noqa: F401
from shared.graph import GraphClient, StaticTokenProvider
from tests.factories import graph_event_at

TOKEN = "test-token"
ClientFactory = Callable[..., GraphClient]
EventFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def paged_sim() -> Iterator[GraphSimulator]:
    with GraphSimulator(page_cap=2, token=TOKEN) as sim:
        yield sim


@pytest.fixture
def client_for() -> ClientFactory:
    """The real client pointed at a simulator, with short backoffs so retry tests stay fast."""

    def build(sim: Any, *, sleep: Callable[[float], None] | None = None, **options: Any) -> GraphClient:
        options.setdefault("backoff_base", 0.01)
        options.setdefault("backoff_max", 0.05)
        return GraphClient(sim.base_url, StaticTokenProvider(TOKEN), sleep=sleep or (lambda seconds: None),
                           **options)

    return build


@pytest.fixture
def new_event() -> EventFactory:
    return graph_event_at
