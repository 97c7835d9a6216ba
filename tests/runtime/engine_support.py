"""What the engine tests share: strict replay, the engine factory's type and a history probe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType

from shared.runtime.engine import DurableEngine
from tests.runtime.toy_app import Probe

# The SDK warns (and defers) when a completion names a task id it never handed out: for the engine that means its
# sequence ids drifted from the SDK's. Turned into an error, the replay fails and so does the test.
STRICT_REPLAY = pytest.mark.filterwarnings("error:Potential duplicate Task completion:UserWarning")

EngineFactory = Callable[..., tuple[DurableEngine, Probe]]


def history_has(engine: DurableEngine, instance_id: str, event_type: HistoryEventType, count: int = 1) -> bool:
    status = engine.get_status(instance_id, show_history=True)
    events = (status.history or []) if status else []
    return sum(1 for event in events if event["EventType"] == event_type) >= count
