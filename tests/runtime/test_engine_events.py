from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from shared.runtime.engine import DurableEngine, InstanceNotFound, InstanceNotRunning, InstanceStatus
from tests.polling import wait_for
from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory, history_has

TIMER_CREATED, EVENT_RAISED = Event.TIMER_CREATED, Event.EVENT_RAISED


def _running(engine: DurableEngine, instance_id: str) -> bool:
    status = engine.get_status(instance_id)
    return status is not None and status.runtime_status == "Running"


@STRICT_REPLAY
def test_external_event_resumes_the_orchestrator_with_its_data(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    instance_id = engine.start_new("approval", instance_id="approve-1")
    wait_for(lambda: _running(engine, instance_id), what="the instance to run")

    engine.raise_event(instance_id, "Approval", {"approved": True, "by": "manager"})

    status = engine.wait_for_completion(instance_id, timeout=10)
    assert status.output == {"decision": {"approved": True, "by": "manager"}}
    with pytest.raises(InstanceNotRunning, match="Completed"):
        engine.raise_event(instance_id, "Approval", "late")


def test_event_raised_before_the_code_waits_is_kept(make_engine: EngineFactory) -> None:
    # An event that arrives while the code is still busy elsewhere is kept in the history (the SDK warns and
    # defers it) and handed over when the code waits for it.
    engine, probe = make_engine()
    instance_id = engine.start_new("work_then_approval")
    wait_for(lambda: _running(engine, instance_id), what="the instance to run")

    engine.raise_event(instance_id, "Approval", "early")
    wait_for(lambda: history_has(engine, instance_id, EVENT_RAISED), what="the event in the history")
    probe.gate.set()

    status = engine.wait_for_completion(instance_id, timeout=10)
    assert status.output == {"work": "work done", "decision": "early"}


def test_raise_event_to_unknown_instance_is_refused(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    with pytest.raises(InstanceNotFound, match="ghost"):
        engine.raise_event("ghost", "Approval", None)


@STRICT_REPLAY
def test_durable_timer_wins_the_race_when_the_clock_passes_it(make_engine: EngineFactory) -> None:
    engine, probe = make_engine(clock=True)
    assert probe.clock is not None
    start = probe.clock.now()
    instance_id = engine.start_new("approval_or_timeout")
    wait_for(lambda: history_has(engine, instance_id, TIMER_CREATED), what="the timer")

    probe.clock.advance(timedelta(hours=1))

    status = engine.wait_for_completion(instance_id, timeout=10)
    assert status.output == {"outcome": "timed out", "at": (start + timedelta(hours=1)).isoformat()}


@STRICT_REPLAY
def test_event_before_the_timer_cancels_it(make_engine: EngineFactory) -> None:
    engine, _ = make_engine(clock=True)
    instance_id = engine.start_new("approval_or_timeout")
    wait_for(lambda: history_has(engine, instance_id, TIMER_CREATED), what="the timer")

    engine.raise_event(instance_id, "Approval", "ok")

    assert engine.wait_for_completion(instance_id, timeout=10).output == {"outcome": "approved", "data": "ok"}


@STRICT_REPLAY
def test_terminate_stops_a_waiting_instance(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    terminated = threading.Event()

    def listener(status: InstanceStatus) -> None:
        if status.runtime_status == "Terminated":
            terminated.set()

    engine.subscribe(listener)
    instance_id = engine.start_new("approval")
    wait_for(lambda: _running(engine, instance_id), what="the instance to run")

    engine.terminate(instance_id, "operator cancelled")

    assert terminated.wait(5)
    status = engine.wait_for_completion(instance_id, timeout=5)
    assert (status.runtime_status, status.output) == ("Terminated", "operator cancelled")
    with pytest.raises(InstanceNotRunning):
        engine.raise_event(instance_id, "Approval", "too late")
    # The engine still works for others, and a terminated id can be started again.
    engine.start_new("sequence", instance_id=instance_id, client_input={"names": ["next"]})
    assert engine.wait_for_completion(instance_id, timeout=10).output == ["Hello next"]
