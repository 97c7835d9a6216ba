"""Sequence ids, driven episode by episode without threads so that completions can be batched on purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from shared.runtime.execution import Completed, Execution, Failed, Outcome, Waiting
from shared.runtime.registry import FunctionRegistry
from shared.runtime.work import ActivityDone, ActivityFailed, ArmTimer, RunActivity, TimerDue
from tests.runtime.engine_support import STRICT_REPLAY
from tests.runtime.toy_app import Probe, build_app

pytestmark = STRICT_REPLAY

T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
RETRY_INPUT = '{"key": "r", "fail_times": 1}'


@pytest.fixture(scope="module")
def registry() -> FunctionRegistry:
    return FunctionRegistry.from_functions(build_app(Probe()).get_functions())


def _replay(registry: FunctionRegistry, execution: Execution) -> Outcome:
    return execution.finish_episode(registry.run_orchestrator(execution.name, execution.context_json()))


def test_retry_ids_come_before_the_ids_of_code_resumed_in_the_same_episode(registry: FunctionRegistry) -> None:
    execution = Execution("retry_beside_plain", "ids-1", None, None, T0)

    first = _replay(registry, execution)
    assert isinstance(first, Waiting)
    assert first.effects == (RunActivity(0, "greet", '"p"'), RunActivity(1, "flaky", RETRY_INPUT))

    # The plain activity (which resumes the code) arrived before the failed attempt (which needs a retry timer).
    execution.begin_episode(T0 + SECOND, [ActivityDone(0, '"Hello p"'), ActivityFailed(1, "attempt 1", "trace")])
    second = _replay(registry, execution)
    assert isinstance(second, Waiting)
    assert second.effects == (ArmTimer(2, T0 + SECOND + timedelta(milliseconds=50)),
                              RunActivity(3, "greet", '"after"'))

    execution.begin_episode(T0 + 2 * SECOND, [ActivityDone(3, '"Hello after"'), TimerDue(2)])
    third = _replay(registry, execution)
    assert isinstance(third, Waiting)
    assert third.effects == (RunActivity(4, "flaky", RETRY_INPUT),)

    execution.begin_episode(T0 + 3 * SECOND, [ActivityDone(4, '{"key": "r", "attempts": 2}')])
    assert _replay(registry, execution) == Completed(["Hello after", {"key": "r", "attempts": 2}], None)


def test_late_and_duplicate_completions_are_ignored(registry: FunctionRegistry) -> None:
    execution = Execution("sequence", "ids-2", '{"names": ["a", "b"]}', None, T0)
    _replay(registry, execution)

    execution.begin_episode(T0 + SECOND, [ActivityDone(0, '"Hello a"'), ActivityDone(0, '"again"'),
                                          ActivityDone(7, '"unknown"')])
    second = _replay(registry, execution)

    assert isinstance(second, Waiting) and second.effects == (RunActivity(1, "greet", '"b"'),)
    completions = [e for e in execution.history if e["EventType"] == Event.TASK_COMPLETED]
    assert [(e["TaskScheduledId"], e["Result"]) for e in completions] == [(0, '"Hello a"')]


def test_replaying_a_different_activity_is_reported_as_non_determinism(registry: FunctionRegistry) -> None:
    execution = Execution("counter_picks_activity", "ids-3", None, None, T0)
    assert isinstance(_replay(registry, execution), Waiting)

    execution.begin_episode(T0 + SECOND, [ActivityDone(0, '"Hello x"')])
    outcome = _replay(registry, execution)

    assert isinstance(outcome, Failed)
    assert outcome.message.startswith("NonDeterminismError:")
    assert "at sequence id 0" in outcome.message
    assert "activity 'greet'" in outcome.message and "activity 'shout'" in outcome.message
