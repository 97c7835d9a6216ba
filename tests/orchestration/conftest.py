from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from shared.runtime.clock import ManualClock
from shared.runtime.engine import DurableEngine
from tests.orchestration.toy_app import Probe, build_app

T = TypeVar("T")

# The SDK warns (and defers) when a completion names a task id it never handed out: for the engine that means its
# sequence ids drifted from the SDK's. Turned into an error, the replay fails and so does the test.
STRICT_REPLAY = pytest.mark.filterwarnings("error:Potential duplicate Task completion:UserWarning")

EngineFactory = Callable[..., tuple[DurableEngine, Probe]]


def eventually(check: Callable[[], T | None], timeout: float = 5.0, what: str = "condition") -> T:
    """Poll `check` until it returns something truthy, failing with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)


def history_has(engine: DurableEngine, instance_id: str, event_type: int, count: int = 1) -> bool:
    status = engine.get_status(instance_id, show_history=True)
    events = (status.history or []) if status else []
    return sum(1 for event in events if event["EventType"] == event_type) >= count


@pytest.fixture
def make_engine() -> Iterator[EngineFactory]:
    """Build an engine over a fresh toy app; `clock=True` gives it a ManualClock shared with the probe."""
    engines: list[DurableEngine] = []

    def make(*, clock: bool = False, parties: int = 1, max_workers: int = 8) -> tuple[DurableEngine, Probe]:
        manual = ManualClock() if clock else None
        probe = Probe(clock=manual, rendezvous_parties=parties)
        engine = DurableEngine.from_functions(build_app(probe).get_functions(), max_workers=max_workers,
                                              clock=manual)
        engines.append(engine)
        return engine, probe

    yield make
    for engine in engines:
        engine.shutdown()
