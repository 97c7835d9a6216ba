from __future__ import annotations

from tests.runtime.engine_support import STRICT_REPLAY, EngineFactory

pytestmark = STRICT_REPLAY

DAYS = ["2026-11-22", "2026-11-23", "2026-11-24"]


def test_one_sub_orchestration_per_day_runs_as_child_instances(make_engine: EngineFactory) -> None:
    engine, probe = make_engine()

    status = engine.run("per_day", {"days": DAYS}, instance_id="archive-u1", timeout=10)

    assert status.runtime_status == "Completed", status.output
    assert status.output == [{"day": day, "greeting": f"Hello {day}", "parent": "archive-u1"} for day in DAYS]
    assert sorted(probe.received) == DAYS
    for day in DAYS:
        child = engine.get_status(f"archive-u1:{day}")
        assert child is not None
        assert (child.name, child.runtime_status, child.parent_instance_id) == ("day_child", "Completed", "archive-u1")
        assert child.input == day


def test_sub_orchestration_history_records_creation_and_completion(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()
    status = engine.run("per_day", {"days": DAYS[:2]}, instance_id="archive-u2", timeout=10)

    full = engine.get_status(status.instance_id, show_history=True)

    assert full is not None and full.history is not None
    created = [e for e in full.history if e["EventType"] == 7]
    assert [(e["EventId"], e["Name"], e["InstanceId"], e["Input"]) for e in created] == [
        (0, "day_child", "archive-u2:2026-11-22", '"2026-11-22"'),
        (1, "day_child", "archive-u2:2026-11-23", '"2026-11-23"')]
    assert sorted(e["TaskScheduledId"] for e in full.history if e["EventType"] == 8) == [0, 1]


def test_child_failure_surfaces_in_the_parent(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("child_failure", instance_id="parent-f", timeout=10)

    assert status.runtime_status == "Completed"
    assert "cannot archive bad-day" in status.output["caught"]
    child = engine.get_status("parent-f:0")  # no instance id given: derived from the parent's and the sequence id
    assert child is not None and child.runtime_status == "Failed"
    assert "cannot archive bad-day" in child.output


def test_failing_day_fails_the_fan_out_parent(make_engine: EngineFactory) -> None:
    engine, _ = make_engine()

    status = engine.run("per_day", {"days": ["2026-11-24", "bad-day"]}, instance_id="archive-u3", timeout=10)

    assert status.runtime_status == "Failed"
    assert "cannot archive bad-day" in status.output
    good = engine.get_status("archive-u3:2026-11-24")
    assert good is not None and good.runtime_status == "Completed"
