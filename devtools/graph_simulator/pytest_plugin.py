"""Pytest fixture `graph_sim`: a started, empty simulator (token "test-token"), stopped after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.graph_simulator.simulator import GraphSimulator


@pytest.fixture
def graph_sim() -> Iterator[GraphSimulator]:
    with GraphSimulator(token="test-token") as sim:
        yield sim
