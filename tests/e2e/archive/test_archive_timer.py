"""The hourly timer starts yesterday's archive for every due job, once, each in the job's own time zone."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import requests

from shared.bootstrap import Container, container, reset_container
from shared.config import get_settings
from shared.domain.jobs import ArchiveJob
from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions, new_engine
from tests.polling import wait_for
from tests.stack import USER, event

AUCKLAND = "kiri@contoso.example"
LOS_ANGELES = "lee@contoso.example"
# Berlin: 00:30 on 25 November. Auckland: 12:30 on the 25th. Los Angeles: 15:30 on the 24th.
NOW = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)


def archive_instances(engine) -> dict[str, object]:
    return {i.instance_id: i for i in engine.instances() if i.name == "archive_orchestrator"}


def ticks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("archive timer:")]


def test_the_timer_archives_the_local_yesterday_of_due_jobs_once(stack, storage_connection_string, monkeypatch,
                                                                 caplog):
    caplog.set_level(logging.INFO, logger="functions.archive")
    monkeypatch.setenv("ARCHIVE_SCHEDULE", "0 5 * * * *")
    reset_container(Container(get_settings(), clock=lambda: NOW))
    stack.add_user(AUCKLAND, display_name="Kiri Ngata")
    stack.add_user(LOS_ANGELES, display_name="Lee Gu")
    stack.add_event(USER, event("2026-11-24", "08:00", "09:00", "Berlin's Tuesday review"))
    stack.add_event(USER, event("2026-11-24", "23:15", "23:45", "Berlin's Wednesday, not yet archived"))
    # 09:00 on Tuesday 24 November in Auckland (UTC+13) is still Monday in UTC.
    stack.add_event(AUCKLAND, event("2026-11-23", "20:00", "21:00", "Auckland's Tuesday stand-up"))
    stack.add_event(AUCKLAND, event("2026-11-23", "09:00", "10:00", "Auckland's Monday, two days back"))
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    jobs.save(ArchiveJob(id="megan", user=USER, timezone="Europe/Berlin", run_hour=0))
    jobs.save(ArchiveJob(id="kiri", user=AUCKLAND, timezone="Pacific/Auckland", run_hour=12))
    jobs.save(ArchiveJob(id="lee", user=LOS_ANGELES, timezone="America/Los_Angeles", run_hour=16))
    jobs.save(ArchiveJob(id="off", user="off@contoso.example", timezone="Europe/Berlin", run_hour=0, enabled=False))
    expected = {"archive-megan-2026-11-24", "archive-kiri-2026-11-24"}

    engine = new_engine()
    with LocalHost(app_functions(), engine=engine, storage_connection_string=storage_connection_string) as host:
        trigger = f"{host.base_url}/admin/functions/archive_timer"
        assert requests.post(trigger, json={"input": ""}, timeout=10).status_code == 202
        first = wait_for(lambda: ticks(caplog))
        outputs = {iid: engine.wait_for_completion(iid, timeout=30).output for iid in archive_instances(engine)}

        assert requests.post(trigger, json={"input": ""}, timeout=10).status_code == 202
        second = wait_for(lambda: ticks(caplog)[1:])
        again = archive_instances(engine)
    engine.shutdown()

    assert set(outputs) == expected, "Los Angeles has not reached 16:00; the disabled job never runs"
    assert {iid: (o["fetched"], o["archived"]) for iid, o in outputs.items()} == {iid: (1, 1) for iid in expected}
    assert first == ["archive timer: 2 started, 0 already archived, 0 skipped, already running"]
    assert second == ["archive timer: 0 started, 2 already archived, 0 skipped, already running"]
    assert set(again) == expected, "the second tick must not restart the same days"
