"""Fixtures for archive tests: the simulator with one mailbox, settings pointing at it and Azurite, the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import container, reset_container
from shared.cli import main

USER = "megan@contoso.example"


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
    monkeypatch.setenv("AzureWebJobsStorage", storage_connection_string)
    monkeypatch.setenv("GRAPH_BASE_URL", graph_sim.base_url)
    monkeypatch.setenv("GRAPH_ACCESS_TOKEN", "test-token")
    graph_sim.add_user(USER, display_name="Megan Bowen")
    reset_container()
    yield graph_sim
    reset_container()


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


def event(day: str, start: str, end: str, subject: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": subject,
        "body": {"contentType": "text", "content": f"About {subject}"},
        "start": {"dateTime": f"{day}T{start}:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{day}T{end}:00", "timeZone": "UTC"},
        "categories": ["Acme Corp - billable"],
        "showAs": "busy",
        "importance": "normal",
    }
    body.update(extra)
    return body


def slot(day: str, i: int, subject: str) -> dict[str, Any]:
    """The i-th 10-minute appointment of a day, four an hour from 06:00, none overlapping."""
    hour, quarter = 6 + i // 4, (i % 4) * 15
    return event(day, f"{hour:02d}:{quarter:02d}", f"{hour:02d}:{quarter + 10:02d}", subject)
