from __future__ import annotations

from datetime import timedelta

from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from shared.runtime.history import parse_timestamp
from tests.polling import wait_for
from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory, history_has

pytestmark = STRICT_REPLAY

TASK_SCHEDULED, TASK_FAILED = Event.TASK_SCHEDULED, Event.TASK_FAILED
TIMER_CREATED, TIMER_FIRED = Event.TIMER_CREATED, Event.TIMER_FIRED


def test_retry_succeeds_after_failures(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("retry_once", {"key": "k", "fail_times": 2, "interval_ms": 50, "max_attempts": 5},
                        timeout=10)

    assert status.runtime_status == "Completed", status.output
    assert status.output == {"key": "k", "attempts": 3}
    assert probe.calls["k"] == 3
    full = engine.get_status(status.instance_id, show_history=True)
    assert full is not None and full.history is not None
    # attempt, timer, attempt, timer, attempt: ids handed out in the SDK's order.
    ids = [(e["EventType"], e["EventId"]) for e in full.history if e["EventType"] in (TASK_SCHEDULED, TIMER_CREATED)]
    assert ids == [(TASK_SCHEDULED, 0), (TIMER_CREATED, 1), (TASK_SCHEDULED, 2), (TIMER_CREATED, 3),
                   (TASK_SCHEDULED, 4)]
    timers = [e for e in full.history if e["EventType"] == TIMER_CREATED]
    failures = [e for e in full.history if e["EventType"] == TASK_FAILED]
    for timer, failure in zip(timers, failures, strict=True):
        assert failure["Reason"].startswith("attempt ")
        # The retry timer is due one interval after the episode that saw the failure.
        delay = parse_timestamp(timer["FireAt"]) - parse_timestamp(failure["Timestamp"])
        assert delay == timedelta(milliseconds=50)


def test_retry_exhausted_fails_the_orchestration(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("retry_once", {"key": "k", "fail_times": 99, "interval_ms": 50, "max_attempts": 3},
                        timeout=10)

    assert status.runtime_status == "Failed"
    assert "attempt 3 of k failed" in status.output
    assert probe.calls["k"] == 3
    full = engine.get_status(status.instance_id, show_history=True)
    assert full is not None and full.history is not None
    # One extra timer after the last failed attempt before the error reaches the code.
    assert sum(e["EventType"] == TIMER_FIRED for e in full.history) == 3


def test_retries_inside_fan_out_keep_sequence_ids_in_step_with_the_sdk(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("retry_fan_out", timeout=20)

    assert status.runtime_status == "Completed", status.output
    assert status.output[:6] == [{"key": f"k{i}", "attempts": i % 3 + 1} for i in range(6)]
    assert status.output[6:9] == [f"Hello plain {i}" for i in range(3)]
    assert status.output[9] == {"key": "last", "attempts": 3}
    assert {key: probe.calls[key] for key in ("k0", "k1", "k2", "k3", "k4", "k5", "last")} == {
        "k0": 1, "k1": 2, "k2": 3, "k3": 1, "k4": 2, "k5": 3, "last": 3}


def test_retry_timer_waits_for_the_clock(make_engine: EngineFactory) -> None:
    engine, probe = make_engine(clock=True)
    assert probe.clock is not None
    instance_id = engine.start_new("retry_once", client_input={
        "key": "slow", "fail_times": 1, "interval_ms": 10 * 60 * 1000, "max_attempts": 2})

    wait_for(lambda: history_has(engine, instance_id, TIMER_CREATED), what="the retry timer")
    probe.clock.advance(timedelta(minutes=9))
    # Another run completing proves the dispatcher has handled the clock's wake-up, and fired nothing.
    assert engine.run("sequence", {"names": []}, timeout=10).runtime_status == "Completed"
    assert probe.calls["slow"] == 1
    assert not history_has(engine, instance_id, TIMER_FIRED)

    probe.clock.advance(timedelta(minutes=1))
    status = engine.wait_for_completion(instance_id, timeout=10)

    assert status.output == {"key": "slow", "attempts": 2}
