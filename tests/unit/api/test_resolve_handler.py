"""The resolve handler around the orchestration client: a running archive of the day, a start that fails."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import azure.durable_functions as df
import azure.functions as func
import pytest

from shared.bootstrap import Container, reset_container
from shared.config import Settings
from shared.domain.conflicts import Conflict, ConflictItem
from shared.runtime.local_app import app_functions
from shared.services.audit import AuditService
from tests.fakes.storage import InMemoryAuditLog, InMemoryConflictRepository, InMemoryJobRepository

USER = "adele@contoso.com"
DAY = dt.date(2026, 11, 18)
INSTANCE = "archive-adele-contoso-com-6305db4b-2026-11-18"  # the slug, a digest of the address, the day


class FakeClient:
    def __init__(self, running: bool = False, start_fails: bool = False) -> None:
        self.running = running
        self.start_fails = start_fails
        self.started: list[tuple[str, str | None, Any]] = []

    async def get_status(self, instance_id: str) -> Any:
        status = df.OrchestrationRuntimeStatus.Running if self.running else df.OrchestrationRuntimeStatus.Completed
        return SimpleNamespace(runtime_status=status)

    async def start_new(self, name: str, instance_id: str | None = None, client_input: Any = None) -> str:
        if self.start_fails:
            raise ConnectionError("task hub unreachable")
        self.started.append((name, instance_id, client_input))
        return instance_id or ""


@pytest.fixture
def deps() -> Iterator[Container]:
    now = dt.datetime(2026, 11, 19, 8, tzinfo=dt.UTC)
    audit_log = InMemoryAuditLog()
    built = Container(Settings(AzureWebJobsStorage="UseDevelopmentStorage=true"), clock=lambda: now,
                      conflicts=InMemoryConflictRepository(), jobs=InMemoryJobRepository(),
                      audit=AuditService(audit_log, clock=lambda: now), audit_log=audit_log)
    reset_container(built)
    yield built
    reset_container()


@pytest.fixture
def conflict(deps: Container) -> Conflict:
    start = dt.datetime.combine(DAY, dt.time(10), tzinfo=dt.UTC)
    items = [ConflictItem(event_id=e, subject=e, start=start, end=start + dt.timedelta(hours=1)) for e in "ab"]
    stored: Conflict = deps.conflicts.upsert(Conflict(user=USER, date=DAY, group_key="g", items=items))
    return stored


def _status(deps: Container, conflict_id: str) -> str:
    conflict = deps.conflicts.get(conflict_id)
    assert conflict is not None
    return conflict.status


def _resolve(conflict_id: str, client: FakeClient, keep: list[str]) -> func.HttpResponse:
    [function] = [f for f in app_functions() if f.get_function_name() == "conflict_resolve"]
    request = func.HttpRequest("POST", f"http://localhost/api/conflicts/{conflict_id}/resolve",
                               body=json.dumps({"keep": keep}).encode(), route_params={"id": conflict_id})
    handler = function.get_user_function().__wrapped__  # the code under the Durable client binding's wrapper
    answer: func.HttpResponse = asyncio.run(handler(request, client))
    return answer


def test_resolving_starts_the_archive_of_the_kept_events(deps: Container, conflict: Conflict) -> None:
    client = FakeClient()

    answer = _resolve(conflict.id, client, ["a"])

    assert answer.status_code == 200
    assert json.loads(answer.get_body())["archive_status_url"] == f"http://localhost/api/archive/{INSTANCE}"
    [(_, instance_id, request)] = client.started
    assert instance_id == INSTANCE and request["approved_keys"] == ["a"] and request["strict"] is True


def test_a_running_archive_of_the_day_is_a_409_and_the_conflict_stays_open(
    deps: Container, conflict: Conflict
) -> None:
    client = FakeClient(running=True)

    answer = _resolve(conflict.id, client, ["a"])

    assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
    assert INSTANCE in json.loads(answer.get_body())["detail"]
    assert client.started == []
    assert _status(deps, conflict.id) == "open"


def test_an_archive_that_cannot_start_reopens_the_conflict_and_is_a_503(
    deps: Container, conflict: Conflict
) -> None:
    answer = _resolve(conflict.id, FakeClient(start_fails=True), ["a"])

    assert answer.status_code == 503 and answer.mimetype == "application/problem+json"
    assert _status(deps, conflict.id) == "open"
    assert sorted(row.status for row in deps.audit_log.query().items) == ["failure", "success"]
    assert _resolve(conflict.id, FakeClient(), ["a"]).status_code == 200  # the retry goes through
