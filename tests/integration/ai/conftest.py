from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.openai_simulator import OpenAISimulator
from devtools.openai_simulator.pytest_plugin import openai_sim  # noqa: F401
from shared.ai.openai_model import OpenAICategoryModel
from shared.ai.providers import ModelSettings, openai_model

ModelFactory = Callable[..., OpenAICategoryModel]


@pytest.fixture
def model_for() -> ModelFactory:
    """The real SDK client pointed at a simulator; short timeouts keep the failure tests fast."""

    def build(sim: OpenAISimulator, *, key: str = "sk-sim", **options: object) -> OpenAICategoryModel:
        settings = ModelSettings.model_validate({"provider": "openai", "base_url": sim.base_url, **options})
        return openai_model(settings, lambda: key)

    return build
