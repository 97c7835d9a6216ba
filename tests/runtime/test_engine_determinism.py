from __future__ import annotations

from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory

pytestmark = STRICT_REPLAY


def test_counter_outside_the_history_is_detected_as_non_determinism(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("counter_picks_activity", timeout=10)

    assert status.runtime_status == "Failed"
    assert "NonDeterminismError" in status.output
    assert "at sequence id 0" in status.output
    assert "activity 'greet'" in status.output and "activity 'shout'" in status.output
    # The mismatch is caught before anything else runs: the second activity was never scheduled.
    assert probe.received == ["x"]


def test_random_activity_input_is_detected_as_non_determinism(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("random_input", timeout=10)

    assert status.runtime_status == "Failed"
    assert "NonDeterminismError" in status.output
    assert "activity 'greet' with input" in status.output


def test_deterministic_orchestrators_are_not_flagged(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    status = engine.run("retry_beside_plain", timeout=10)
    assert status.runtime_status == "Completed", status.output
    assert status.output == ["Hello after", {"key": "r", "attempts": 2}]


def test_continue_as_new_restarts_with_the_new_input(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("countdown", 3, instance_id="countdown-1", timeout=10)

    assert (status.runtime_status, status.output) == ("Completed", "lift-off")
    assert probe.received == ["3", "2", "1"]
    assert status.input == 0
    full = engine.get_status("countdown-1", show_history=True)
    assert full is not None and full.history is not None
    # only the last execution's history is kept
    assert [e["EventType"] for e in full.history][:2] == [Event.ORCHESTRATOR_STARTED, Event.EXECUTION_STARTED]
    assert full.history[1]["Input"] == "0"
