from __future__ import annotations

import threading
from datetime import timedelta

import azure.durable_functions as df
import pytest
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from shared.runtime.engine import DurableEngine, InstanceAlreadyExists, InstanceStatus, OrchestratorNotFound
from tests.polling import wait_for
from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory

pytestmark = STRICT_REPLAY

ORCHESTRATOR_STARTED, EXECUTION_STARTED = Event.ORCHESTRATOR_STARTED, Event.EXECUTION_STARTED
TASK_SCHEDULED, TASK_COMPLETED = Event.TASK_SCHEDULED, Event.TASK_COMPLETED
ORCHESTRATOR_COMPLETED, EXECUTION_COMPLETED = Event.ORCHESTRATOR_COMPLETED, Event.EXECUTION_COMPLETED


def test_sequential_activities_run_in_order_with_decoded_input(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("sequence", {"names": ["Ada", "Grace", "Linus"]}, timeout=10)

    assert status.runtime_status == "Completed"
    assert status.output == ["Hello Ada", "Hello Grace", "Hello Linus"]
    assert probe.received == ["Ada", "Grace", "Linus"]
    assert status.input == {"names": ["Ada", "Grace", "Linus"]}
    assert status.custom_status == {"done": 3, "total": 3}


def test_history_has_the_hosts_shape(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    instance_id = engine.start_new("sequence", client_input={"names": ["a", "b"]})
    engine.wait_for_completion(instance_id, timeout=10)

    status = engine.get_status(instance_id, show_history=True)
    assert status is not None and status.history is not None
    events = status.history

    assert [e["EventType"] for e in events] == [
        ORCHESTRATOR_STARTED, EXECUTION_STARTED, TASK_SCHEDULED, ORCHESTRATOR_COMPLETED,
        ORCHESTRATOR_STARTED, TASK_COMPLETED, TASK_SCHEDULED, ORCHESTRATOR_COMPLETED,
        ORCHESTRATOR_STARTED, TASK_COMPLETED, ORCHESTRATOR_COMPLETED, EXECUTION_COMPLETED,
    ]
    assert events[1]["Name"] == "sequence" and events[1]["Version"] == ""
    assert events[1]["Input"] == '{"names": ["a", "b"]}'
    scheduled = [e for e in events if e["EventType"] == TASK_SCHEDULED]
    assert [(e["EventId"], e["Name"], e["Input"]) for e in scheduled] == [(0, "greet", '"a"'), (1, "greet", '"b"')]
    completed = [e for e in events if e["EventType"] == TASK_COMPLETED]
    assert [(e["TaskScheduledId"], e["Result"]) for e in completed] == [(0, '"Hello a"'), (1, '"Hello b"')]
    # Everything before the last episode was played in an earlier one.
    last_start = max(i for i, e in enumerate(events) if e["EventType"] == ORCHESTRATOR_STARTED)
    assert all(e["IsPlayed"] for e in events[:last_start])
    assert not any(e["IsPlayed"] for e in events[last_start:])
    assert all(e["Timestamp"].endswith("Z") for e in events)


def test_orchestrator_started_timestamps_drive_current_utc_datetime(make_engine: EngineFactory) -> None:
    engine, probe = make_engine(clock=True)
    assert probe.clock is not None
    start = probe.clock.now()

    status = engine.run("clocked", timeout=10)

    hour = timedelta(hours=1)
    assert status.output == [start.isoformat(), (start + hour).isoformat(), (start + 2 * hour).isoformat()]


def test_status_json_has_the_durable_http_api_shape(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    status = engine.run("sequence", {"names": ["x"]}, instance_id="shape-1", timeout=10)

    body = status.to_json()

    assert set(body) == {"name", "instanceId", "runtimeStatus", "input", "customStatus", "output", "createdTime",
                         "lastUpdatedTime"}
    assert body["name"] == "sequence" and body["instanceId"] == "shape-1" and body["runtimeStatus"] == "Completed"
    assert body["createdTime"].endswith("Z") and body["lastUpdatedTime"] >= body["createdTime"]
    assert status.created_time.tzinfo is not None and status.last_updated_time.utcoffset() == timedelta(0)


def test_instance_ids_default_to_fresh_uuid_hex(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    first = engine.start_new("sequence", client_input={"names": []})
    second = engine.start_new("sequence", client_input={"names": []})
    assert first != second and len(first) == 32 and int(first, 16) >= 0
    assert engine.wait_for_completion(first, timeout=10).output == []


def test_deterministic_instance_id_collision_is_refused_while_running(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    instance_id = engine.start_new("approval", instance_id="archive-x-2026-11-24")

    with pytest.raises(InstanceAlreadyExists, match="archive-x-2026-11-24"):
        engine.start_new("approval", instance_id="archive-x-2026-11-24")

    engine.raise_event(instance_id, "Approval", "yes")
    assert engine.wait_for_completion(instance_id, timeout=10).output == {"decision": "yes"}
    # A finished instance is replaced, as Durable does by default.
    engine.start_new("sequence", instance_id=instance_id, client_input={"names": ["again"]})
    replaced = engine.wait_for_completion(instance_id, timeout=10)
    assert replaced.name == "sequence" and replaced.output == ["Hello again"]


def test_custom_status_is_visible_while_running_and_reported_to_subscribers(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    seen: list[InstanceStatus] = []
    done = threading.Event()

    def listener(status: InstanceStatus) -> None:
        seen.append(status)
        if status.is_finished:
            done.set()

    engine.subscribe(listener)
    instance_id = engine.start_new("approval")
    running = wait_for(lambda: (s := engine.get_status(instance_id)) and s.custom_status == "waiting for approval"
                         and s, what="custom status while running")
    assert running.runtime_status == "Running"

    engine.raise_event(instance_id, "Approval", {"by": "boss"})
    assert done.wait(10)
    transitions = [(s.runtime_status, s.custom_status) for s in seen if s.instance_id == instance_id]
    assert transitions == [("Pending", None), ("Running", "waiting for approval"), ("Completed", "approved")]


def test_subscriber_sees_progress_of_each_step(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    progress: list[object] = []
    engine.subscribe(lambda status: progress.append(status.custom_status))

    engine.run("sequence", {"names": ["a", "b", "c"]}, timeout=10)

    steps = [p for p in progress if p is not None]
    assert steps[:3] == [{"done": 1, "total": 3}, {"done": 2, "total": 3}, {"done": 3, "total": 3}]


def test_orchestrator_exception_fails_the_instance_with_its_message(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    status = engine.run("raises", "payload-7", timeout=10)
    assert status.runtime_status == "Failed"
    assert "bad input: payload-7" in status.output
    assert "$OutOfProcData$" not in status.output


def test_unknown_orchestrator_is_refused_at_start(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    with pytest.raises(OrchestratorNotFound, match="no_such_orchestrator"):
        engine.start_new("no_such_orchestrator")


def test_wait_for_completion_times_out_naming_the_instance(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    instance_id = engine.start_new("approval", instance_id="never-approved")
    with pytest.raises(TimeoutError, match="never-approved"):
        engine.wait_for_completion(instance_id, timeout=0.2)


def test_engine_takes_plain_generator_and_callable_maps() -> None:
    def orchestrator(context: df.DurableOrchestrationContext):
        doubled = yield context.call_activity("double", context.get_input())
        return doubled + 1

    with DurableEngine({"plain": orchestrator}, {"double": lambda value: value * 2}, max_workers=2) as engine:
        assert engine.run("plain", 20, timeout=10).output == 41
