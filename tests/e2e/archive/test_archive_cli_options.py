"""The archive command's options, the jobs it runs with --all, and what it shows while it runs."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import pytest
from rich.console import Console

from shared.bootstrap import container
from shared.cli import archive as archive_cli
from tests.stack import USER, event, slot

DAY = "2026-09-15"  # days no other archive test uses, so archive and conflict rows are this file's own
LEE = "lee@contoso.example"


def copies_in(sim, user: str, name: str = "Archive") -> list[str]:
    calendar = next(c for c in sim.calendars(user) if c["name"] == name)
    return sorted(e["subject"] for e in sim.events(user, calendar["id"]))


@pytest.fixture
def no_jobs(stack):
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    yield jobs
    for job in jobs.list():
        jobs.delete(job.id)


def test_jobs_are_added_listed_disabled_enabled_and_removed(stack, cli, no_jobs):
    added = cli("jobs", "add", "--user", USER, "--timezone", "Europe/Berlin", "--archive", "Billing", "--strict",
                "--run-hour", "3", "--id", "megan")
    assert added.code == 0, added.stderr
    assert "job megan saved" in added.stdout
    [job] = no_jobs.list()
    assert (job.user, job.timezone, job.archive_calendar, job.strict, job.run_hour, job.enabled) == (
        USER, "Europe/Berlin", "Billing", True, 3, True)

    listed = cli("jobs", "list")
    assert listed.code == 0 and "megan" in listed.stdout and "Billing" in listed.stdout
    [row] = cli("jobs", "list", "--json").json_list()
    assert (row["id"], row["user"], row["archive_calendar"], row["strict"]) == ("megan", USER, "Billing", True)

    assert cli("jobs", "disable", "megan").code == 0
    assert no_jobs.get("megan").enabled is False
    assert cli("jobs", "enable", "megan").code == 0
    assert no_jobs.get("megan").enabled is True
    assert cli("jobs", "remove", "megan").code == 0
    assert no_jobs.list() == []

    unknown = cli("jobs", "disable", "megan")
    assert unknown.code == 2 and unknown.stderr.count("\n") == 1 and "megan" in unknown.stderr
    bad_zone = cli("jobs", "add", "--user", USER, "--timezone", "Mars/Olympus")
    assert bad_zone.code == 2 and "Mars/Olympus" in bad_zone.stderr and no_jobs.list() == []


def test_a_derived_job_id_never_replaces_another_mailboxs_job(stack, cli, no_jobs):
    assert cli("jobs", "add", "--user", "a.b@contoso.example").code == 0
    assert cli("jobs", "add", "--user", "A.B@contoso.example", "--timezone", "Europe/Oslo").code == 0  # same mailbox

    clash = cli("jobs", "add", "--user", "a-b@contoso.example")

    assert clash.code == 2 and clash.stderr.count("\n") == 1 and "--id" in clash.stderr
    [job] = no_jobs.list()
    assert (job.user, job.timezone) == ("A.B@contoso.example", "Europe/Oslo")
    assert cli("jobs", "add", "--user", "a-b@contoso.example", "--id", "a-b-second").code == 0
    assert len(no_jobs.list()) == 2


def test_archive_all_runs_every_enabled_job_with_its_own_settings(stack, cli, no_jobs):
    stack.add_user(LEE, display_name="Lee Gu")
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Megan's review"))
    stack.add_event(LEE, event(DAY, "11:00", "12:00", "Lee's review"))
    assert cli("jobs", "add", "--user", USER, "--id", "megan").code == 0
    assert cli("jobs", "add", "--user", LEE, "--id", "lee", "--archive", "Lee archive").code == 0
    assert cli("jobs", "add", "--user", "off@contoso.example", "--id", "off").code == 0
    assert cli("jobs", "disable", "off").code == 0

    run = cli("archive", "--all", "--date", DAY, "--json")

    assert run.code == 0, run.stderr
    result = run.json()
    assert (result["fetched"], result["archived"], result["failed"]) == (2, 2, 0)
    assert sorted(result["instance_id"].split(",")) == ["archive-lee-2026-09-15", "archive-megan-2026-09-15"]
    assert copies_in(stack, USER) == ["Megan's review"]
    assert copies_in(stack, LEE, "Lee archive") == ["Lee's review"]


def test_archive_all_without_an_enabled_job_is_bad_input(stack, cli, no_jobs):
    run = cli("archive", "--all", "--date", DAY)

    assert run.code == 2 and run.stderr.count("\n") == 1 and "jobs add" in run.stderr


def test_source_and_archive_calendars_by_name_id_and_msgraph_uri(stack, cli):
    work = stack.add_calendar(USER, "Work Projects")
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Only in Work"), work)
    stack.add_event(USER, event(DAY, "11:00", "12:00", "Only in the primary calendar"))

    by_name = cli("archive", "--user", USER, "--date", DAY, "--source", "Work Projects", "--archive", "Work copy",
                  "--json")
    by_id = cli("archive", "--user", USER, "--date", DAY, "--source", work, "--archive", "Work copy", "--json")
    by_uri = cli("archive", "--user", USER, "--date", DAY, "--archive", "Work copy", "--json",
                 "--source", f"msgraph://users/{USER}/calendars/{quote('Work Projects')}")

    assert (by_name.code, by_id.code, by_uri.code) == (0, 0, 0), by_name.stderr + by_id.stderr + by_uri.stderr
    assert copies_in(stack, USER, "Work copy") == ["Only in Work"]  # created on first use, never from the primary
    assert [r.json()["archived"] for r in (by_name, by_id, by_uri)] == [1, 0, 0]
    assert [r.json()["already_archived"] for r in (by_id, by_uri)] == [1, 1]
    primary = cli("archive", "--user", USER, "--date", DAY, "--archive", f"msgraph://calendars/{quote('Work copy')}",
                  "--json")
    assert primary.json()["archived"] == 1
    assert copies_in(stack, USER, "Work copy") == ["Only in Work", "Only in the primary calendar"]


def test_strict_holds_back_an_unresolved_overlap_until_it_is_resolved(stack, cli):
    day = "2026-09-16"
    stack.add_event(USER, event(day, "13:00", "14:00", "Board", importance="high"))
    stack.add_event(USER, event(day, "13:30", "14:30", "Escalation", importance="high"))
    stack.add_event(USER, event(day, "16:00", "17:00", "Wrap-up"))

    run = cli("archive", "--user", USER, "--date", day, "--strict", "--json")

    assert run.code == 0, run.stderr
    assert (run.json()["archived"], run.json()["conflicts"]) == (1, 1)
    assert copies_in(stack, USER) == ["Wrap-up"]
    [conflict] = container().conflicts.query(user=USER, start=date(2026, 9, 16), end=date(2026, 9, 16)).items
    assert conflict.status == "open" and sorted(i.subject for i in conflict.items) == ["Board", "Escalation"]


def test_the_run_reports_category_issues_and_orphan_markers(stack, cli):
    day = "2026-09-17"
    stack.add_event(USER, event(day, "09:00", "10:00", "Odd billing", categories=["Acme Corp - maybe"]))
    stack.add_event(USER, event(day, "11:00", "11:15", "Extended"))  # follows no meeting

    run = cli("archive", "--user", USER, "--date", day, "--json")

    assert run.code == 0, run.stderr
    issues = run.json()["issues"]
    assert any("Odd billing" in i or "Acme Corp - maybe" in i for i in issues), issues
    assert any("Extended" in i for i in issues), issues
    assert [f"{day}: {i}" for i in run.json()["days"][0]["issues"]] == issues  # the run's list names the day
    readable = cli("archive", "--user", USER, "--date", day)
    assert "Acme Corp - maybe" in readable.stdout


def test_the_progress_bar_names_the_day_the_stage_and_the_batches(stack, cli, monkeypatch):
    day = "2026-09-18"
    for i in range(25):  # two write batches
        stack.add_event(USER, slot(day, i, f"Call {i}"))
    terminal = io.StringIO()
    monkeypatch.setattr(archive_cli, "stderr", Console(file=terminal, force_terminal=True, width=160))

    run = cli("archive", "--user", USER, "--date", day)

    assert run.code == 0
    shown = terminal.getvalue()
    assert f"{day} writing (0/2 batches)" in shown
    assert f"{day} fetching" in shown and "/1 days" in shown
