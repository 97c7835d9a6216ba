"""Off the happy path on the command line: every mistake gets one line and exit 2 (or 1 for a failure around the
person), never a traceback; a broken job is skipped and named, not a stop for every job after it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from shared.bootstrap import container
from tests.factories import graph_event as event
from tests.stack import USER

ROOT = Path(__file__).resolve().parents[3]
DAY = "2026-08-11"  # a day no other test archives
LEE = "lee@contoso.example"


def shared_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m shared ...` in a fresh process, as a person runs it (a traceback would reach stderr here)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AzureWebJobs", "GRAPH_"))}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "shared", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=timeout, check=False)


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.lower().startswith("error")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.fixture
def no_jobs(stack):  # type: ignore[no-untyped-def]
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)
    yield jobs
    for job in jobs.list():
        jobs.delete(job.id)


@pytest.mark.parametrize("argv", [
    ["archive", "--user", "a@b.c", "--bogus"],
    ["nosuch"],
    ["archive", "--user"],
    ["jobs", "add"],
    ["jobs", "frobnicate"],
])
def test_usage_errors_are_one_line_and_exit_2(argv: list[str]) -> None:
    run = shared_cli(*argv)

    assert run.returncode == 2
    one_error_line(run.stderr)


def test_the_bare_command_shows_its_help_and_exits_2() -> None:
    run = shared_cli()

    assert run.returncode == 2 and "Traceback" not in run.stdout + run.stderr
    assert "archive" in run.stdout + run.stderr


def test_a_missing_setting_is_named_in_one_line() -> None:
    run = shared_cli("jobs", "list")

    assert run.returncode == 2
    assert "AzureWebJobsStorage" in one_error_line(run.stderr)


def test_a_malformed_setting_is_named_in_one_line() -> None:
    run = shared_cli("jobs", "list", env={"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                                          "GRAPH_BASE_URL": "ftp://graph.example"})

    assert run.returncode == 2
    assert "GRAPH_BASE_URL" in one_error_line(run.stderr)


def test_storage_that_does_not_answer_fails_fast_naming_the_endpoint() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/devstoreaccount1"
    connection = (f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                  f"TableEndpoint={endpoint};BlobEndpoint={endpoint};QueueEndpoint={endpoint}")
    started = time.monotonic()

    run = shared_cli("archive", "--user", USER, env={"AzureWebJobsStorage": connection}, timeout=60)

    assert run.returncode == 1
    assert endpoint in one_error_line(run.stderr)
    assert time.monotonic() - started < 30  # seconds, not the minutes of the storage SDK's retries


def test_a_busy_port_is_one_line(storage_connection_string: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        run = shared_cli("serve", "--port", str(busy.getsockname()[1]),
                         env={"AzureWebJobsStorage": storage_connection_string})

    assert run.returncode == 2
    assert "--port" in one_error_line(run.stderr)


def test_jobs_add_refuses_what_the_api_refuses_and_audits_what_it_saves(stack, cli, no_jobs) -> None:
    for argv, field in ([["--user", "bad-mailbox"], "user"], [["--user", USER, "--timezone", "America"], "timezone"],
                        [["--user", USER, "--timezone", "Mars/Olympus"], "timezone"],
                        [["--user", USER, "--run-hour", "24"], "run_hour"]):
        refused = cli("jobs", "add", *argv)
        assert refused.code == 2 and refused.stderr.count("\n") == 1 and field in refused.stderr, refused.stderr
    assert no_jobs.list() == []

    job_id = f"megan-{uuid.uuid4().hex[:8]}"  # audit rows of other tests' jobs never match
    assert cli("jobs", "add", "--user", USER, "--id", job_id).code == 0
    assert cli("jobs", "disable", job_id).code == 0
    assert cli("jobs", "remove", job_id).code == 0
    rows = container().audit_log.query(user=USER, action="job", page_size=1000).items
    assert sorted(row.operation for row in rows if row.resource == f"jobs/{job_id}") == ["create", "delete", "disable"]


def test_archive_all_skips_a_broken_job_names_it_and_archives_the_others(stack, cli, no_jobs) -> None:
    from shared.domain.jobs import ArchiveJob

    stack.add_user(LEE)
    stack.add_event(LEE, event(DAY, "09:00", "10:00", "Site visit"))
    # As an older version's `jobs add` stored it, before the mailbox rule was checked there.
    no_jobs.save(ArchiveJob(id="broken", user="bad-mailbox"))
    no_jobs.save(ArchiveJob(id="lee", user=LEE))

    run = cli("archive", "--all", "--date", DAY, "--json")

    summary = run.json()
    assert run.code == 1 and summary["archived"] == 1
    assert any("broken" in issue and "mailbox" in issue for issue in summary["issues"])
    rows = container().audit_log.query(action="archive", page_size=1000).items
    assert any(row.resource == "jobs/broken" and row.status == "failure" for row in rows)


@pytest.mark.parametrize(("date", "zone"), [("9999-12-31", "UTC"), ("0001-01-01", "Europe/Berlin")])
def test_days_outside_the_calendar_are_refused_naming_the_date(stack, cli, date: str, zone: str) -> None:
    run = cli("archive", "--user", USER, "--date", date, "--timezone", zone)

    assert run.code == 2 and run.stderr.startswith("error: date:") and run.stderr.count("\n") == 1


def test_brackets_in_calendar_data_are_printed_as_text(stack, cli, no_jobs) -> None:
    stack.add_event(USER, event(DAY, "09:00", "10:00", "[/red] Budget"))
    stack.add_event(USER, event(DAY, "09:30", "10:30", "[bold]Plan[/bold]"))  # an overlap: a conflict line too

    run = cli("archive", "--user", USER, "--date", DAY)

    assert run.code == 0, run.stderr
    assert "[/red] Budget" in run.stdout and "[bold]Plan[/bold]" in run.stdout
    assert cli("jobs", "add", "--user", USER, "--archive", "Arch [/x]", "--id", "megan").code == 0
    listed = cli("jobs", "list")
    assert listed.code == 0 and "Arch" in listed.stdout and "[/x]" in listed.stdout  # folded in a narrow table
