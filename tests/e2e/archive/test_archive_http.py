"""POST /api/archive and its status through the local host, as Power Automate would call them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions, new_engine
from tests.archive_stack import USER, event
from tests.e2e.runtime.polling import wait_for

DAY = "2026-11-10"


@pytest.fixture
def served(stack, storage_connection_string: str) -> Iterator[str]:
    engine = new_engine()
    with LocalHost(app_functions(), engine=engine, storage_connection_string=storage_connection_string) as host:
        yield f"{host.base_url}/api"
    engine.shutdown()


def finished(url: str) -> dict | None:
    body = requests.get(url, timeout=5).json()
    return body if body["runtimeStatus"] in ("Completed", "Failed") else None


def test_post_archive_answers_202_and_the_status_url_gives_the_counts(stack, served):
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Quarterly review"))
    stack.add_event(USER, event(DAY, "11:00", "12:00", "Lunch", categories=[]))

    response = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)

    assert response.status_code == 202
    links = response.json()
    assert links["id"] == f"archive-megan-contoso-example-{DAY}"
    status = wait_for(lambda: finished(links["statusQueryGetUri"]), timeout=30)
    assert status["runtimeStatus"] == "Completed"
    assert (status["output"]["archived"], status["output"]["failed"]) == (2, 0)
    mine = requests.get(f"{served}/archive/{links['id']}", timeout=5).json()
    assert mine["output"]["archived"] == 2
    assert mine["customStatus"] == {"stage": "done", "days_total": 1, "days_done": 1, "archived": 2, "failed": 0}


def test_a_second_start_while_running_is_refused(stack, served):
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Slow day"))
    stack.faults.latency_ms = 300

    first = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)
    second = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)

    assert first.status_code == 202
    assert second.status_code == 409
    assert second.headers["Content-Type"].startswith("application/problem+json")
    wait_for(lambda: finished(first.json()["statusQueryGetUri"]), timeout=30)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": DAY}, "user"),
        ({"user": USER, "date": "someday"}, "date"),
        ({"user": USER, "date": "2026-11-10 to 2026-11-01"}, "date"),
        ({"user": USER, "timezone": "Nowhere/City"}, "timezone"),
        ({"user": USER, "allow_overlaps": "yes"}, "allow_overlaps"),
        ({"user": 42}, "user"),
        ({"user": "not-a-mailbox"}, "user"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(served, body, field):
    response = requests.post(f"{served}/archive", json=body, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == field


def test_malformed_json_and_unknown_instances(served):
    malformed = requests.post(f"{served}/archive", data=b"{not json", timeout=10)
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["field"] == "body"
    missing = requests.get(f"{served}/archive/archive-nobody-2020-01-01", timeout=10)
    assert missing.status_code == 404
