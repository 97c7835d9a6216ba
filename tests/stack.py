"""The app pointed at the test stack (Azurite + the Graph simulator), and the archive tests' fixtures on it.

`app_pointed_at` is the one place that sets the settings and rebuilds the container; the archive `stack`, the
API host and the notification host all go through it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import container, reset_container
from shared.cli import main
from tests.factories import graph_event as event

USER = "megan@contoso.example"
TOKEN = "test-token"


@contextmanager
def app_pointed_at(patch: pytest.MonkeyPatch, storage: str, graph_url: str, **settings: str | None) -> Iterator[None]:
    """Settings for Azurite at `storage` and the simulator at `graph_url`, plus `settings` (None unsets one);
    the container is rebuilt from them, and dropped again on the way out so no test sees another's clients."""
    patch.setenv("AzureWebJobsStorage", storage)
    patch.setenv("GRAPH_BASE_URL", graph_url)
    patch.setenv("GRAPH_ACCESS_TOKEN", TOKEN)
    for name, value in settings.items():
        if value is None:
            patch.delenv(name, raising=False)
        else:
            patch.setenv(name, value)
    reset_container()
    try:
        yield
    finally:
        reset_container()


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    def json_list(self) -> list[Any]:
        return json.loads(self.stdout)


@pytest.fixture
def stack(
    graph_sim: GraphSimulator, storage_connection_string: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[GraphSimulator]:
    """The simulator with one mailbox, and settings pointing the app at it and at Azurite."""
    graph_sim.add_user(USER, display_name="Megan Bowen")
    with app_pointed_at(monkeypatch, storage_connection_string, graph_sim.base_url):
        yield graph_sim


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> CliRun:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CliRun(code, out.out, out.err)

    return run


def audit_rows(user: str) -> list[Any]:
    return container().audit_log.query(user=user, page_size=1000).items


def slot(day: str, i: int, subject: str) -> dict[str, Any]:
    """The i-th 10-minute appointment of a day, four an hour from 06:00, none overlapping."""
    hour, quarter = 6 + i // 4, (i % 4) * 15
    return event(day, f"{hour:02d}:{quarter:02d}", f"{hour:02d}:{quarter + 10:02d}", subject)
