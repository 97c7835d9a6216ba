"""Pytest fixture `openai_sim`: a started simulator (API key "sk-sim", no keywords), stopped after the test.

Import it into a conftest (`from devtools.openai_simulator.pytest_plugin import openai_sim  # noqa: F401`):
pytest only honours `pytest_plugins` in the top-level conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.openai_simulator.simulator import OpenAISimulator


@pytest.fixture
def openai_sim() -> Iterator[OpenAISimulator]:
    with OpenAISimulator(api_key="sk-sim") as sim:
        yield sim
