from __future__ import annotations

from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as Event

from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory

pytestmark = STRICT_REPLAY


def test_fan_out_activities_run_in_parallel(make_engine: EngineFactory) -> None:
    # Each activity waits at a barrier for all the others: the run only completes if all six run at once.
    engine, probe = make_engine(parties=6, max_workers=8)

    status = engine.run("fan_out", {"activity": "rendezvous", "count": 6}, timeout=20)

    assert status.runtime_status == "Completed", status.output
    assert probe.max_running == 6
    assert status.output == [0, 10, 20, 30, 40, 50]


def test_fan_out_is_bounded_by_the_worker_pool(make_engine: EngineFactory) -> None:
    engine, probe = make_engine(parties=2, max_workers=2)

    status = engine.run("fan_out", {"activity": "rendezvous", "count": 6}, timeout=20)

    assert status.runtime_status == "Completed", status.output
    assert probe.max_running == 2


def test_fan_in_results_follow_the_list_order_not_the_completion_order(make_engine: EngineFactory) -> None:
    engine, probe = make_engine(parties=5, max_workers=5)

    status = engine.run("fan_out", {"activity": "finish_in_reverse", "count": 5}, timeout=20)

    assert status.runtime_status == "Completed", status.output
    assert probe.finish_order == [4, 3, 2, 1, 0]
    assert status.output == [f"item {i}" for i in range(5)]


def test_activity_failure_reaches_the_orchestrator_as_a_catchable_exception(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("catch_failure", timeout=10)

    assert status.runtime_status == "Completed"
    assert "activity exploded: kaboom" in status.output["caught"]
    assert "RuntimeError" in status.output["caught"]  # the details carry the activity's traceback
    assert status.output["after"] == "Hello after failure"
    history = engine.get_status(status.instance_id, show_history=True)
    assert history is not None and history.history is not None
    failed = [e for e in history.history if e["EventType"] == Event.TASK_FAILED]
    assert failed[0]["Reason"] == "activity exploded: kaboom"
    assert "Traceback" in failed[0]["Details"]


def test_uncaught_failure_in_fan_out_fails_the_orchestration(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("uncaught_failure", timeout=10)

    assert status.runtime_status == "Failed"
    assert "activity exploded: x" in status.output
    assert status.output.startswith("Orchestrator function 'uncaught_failure' failed")


def test_unknown_activity_fails_the_task_not_the_engine(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("fan_out", {"activity": "missing_activity", "count": 2}, timeout=10)

    assert status.runtime_status == "Failed"
    assert "Activity function 'missing_activity' is not registered" in status.output
    assert engine.run("sequence", {"names": ["still works"]}, timeout=10).runtime_status == "Completed"
