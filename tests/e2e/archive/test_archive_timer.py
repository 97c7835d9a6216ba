"""The hourly timer starts yesterday's archive for every due job, once."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from shared.bootstrap import container
from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions, new_engine
from shared.storage.models import ArchiveJob
from tests.archive_stack import USER, event
from tests.e2e.runtime.polling import wait_for


def archive_instances(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {i.instance_id: i for i in engine.instances() if i.name == "archive_orchestrator"}


def ticks(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("archive timer:")]


def test_the_timer_archives_yesterday_of_due_jobs_once(stack, storage_connection_string, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="functions.archive")
    monkeypatch.setenv("ARCHIVE_SCHEDULE", "0 5 * * * *")
    zone = "Europe/Berlin"
    yesterday = (datetime.now(UTC).astimezone(ZoneInfo(zone)) - timedelta(days=1)).date()
    stack.add_event(USER, event(yesterday.isoformat(), "09:00", "10:00", "Yesterday's review"))
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    jobs.save(ArchiveJob(id="megan", user=USER, timezone=zone, run_hour=0))
    jobs.save(ArchiveJob(id="later", user="later@contoso.example", timezone=zone, run_hour=23))
    jobs.save(ArchiveJob(id="off", user="off@contoso.example", timezone=zone, run_hour=0, enabled=False))
    expected = f"archive-megan-{yesterday.isoformat()}"
    local_hour = datetime.now(UTC).astimezone(ZoneInfo(zone)).hour

    engine = new_engine()
    with LocalHost(app_functions(), engine=engine, storage_connection_string=storage_connection_string) as host:
        trigger = f"{host.base_url}/admin/functions/archive_timer"
        assert requests.post(trigger, json={"input": ""}, timeout=10).status_code == 202
        first = wait_for(lambda: (archive_instances(engine).get(expected)), timeout=20)
        done = engine.wait_for_completion(expected, timeout=30)
        assert done.output["archived"] == 1

        assert requests.post(trigger, json={"input": ""}, timeout=10).status_code == 202
        second_tick = wait_for(lambda: ticks(caplog)[1:], timeout=20)
        again = archive_instances(engine)
    engine.shutdown()

    started = set(again)
    assert expected in started and "archive-off-" not in " ".join(started)
    assert ("archive-later-" in " ".join(started)) == (local_hour >= 23)
    assert again[expected].created_time == first.created_time, "the second tick must not restart the same day"
    assert second_tick[0].startswith("archive timer: 0 started")
