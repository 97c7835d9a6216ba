"""Random command lines: whatever a person types, the answer is exit 0, 1 or 2 and never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.bootstrap import container
from tests.stack import USER

# `serve` and `demo` run until stopped and `subscribe` asks Graph to call a URL: they have tests of their own.
COMMANDS = [["archive"], ["jobs"], ["jobs", "add"], ["jobs", "list"], ["jobs", "enable"], ["jobs", "disable"],
            ["jobs", "remove"], ["subscriptions"], ["subscriptions", "list"], ["timesheet"], ["customers"],
            ["customers", "set"], ["customers", "list"], ["frobnicate"], []]
OPTIONS = ["--user", "--all", "--date", "--source", "--archive", "--timezone", "--strict", "--json", "--id",
           "--run-hour", "--customer", "--format", "--increment", "--rounding", "--travel-rate", "--help", "--bogus",
           "-x", "--"]
VALUES = [USER, "nobody", "a@b", "@", "2026-13-45", "yesterday", "last week", "9999-12-31", "Europe/Berlin",
          "America", "Mars/Olympus", "[/red]", "-1", "24", "0.5", "csv", "sideways", "", " ", "\u00e9\u00e8", "x" * 300]
TOKENS = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES),
                   st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12))


@pytest.fixture(autouse=True)
def no_jobs_left(stack) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A lucky `jobs add` must not leave a job for other tests' timers and `--all` runs."""
    yield
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)


@given(command=st.sampled_from(COMMANDS), rest=st.lists(TOKENS, max_size=6))
@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_random_argv_exits_0_1_or_2_without_a_traceback(stack, cli, tmp_path_factory, command: list[str],
                                                       rest: list[str]) -> None:
    argv = [*command, *rest]
    if argv[:1] == ["timesheet"]:
        argv += ["--out", str(tmp_path_factory.mktemp("timesheets"))]  # files of a lucky draw stay out of the tree

    run = cli(*argv)

    assert run.code in (0, 1, 2), (argv, run.code, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout, argv
