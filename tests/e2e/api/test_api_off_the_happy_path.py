"""What a client can send that is wrong, or unlucky: a clear 4xx, never a 5xx, and no stack trace in any answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from tests.e2e.api.archive_flow import DAY, wait_for_archive
from tests.e2e.api.conftest import Call, assert_problem
from tests.factories import graph_event


@pytest.mark.parametrize("instance_id", ["%3F", "%23", "a%2Fb", "..", "%00", "x" * 300])
def test_status_ids_that_cannot_exist_are_404(call: Call, instance_id: str) -> None:
    assert_problem(call("GET", f"archive/{instance_id}"), 404)


@pytest.mark.parametrize(("body", "field"), [
    ({"dat": "2026-11-17"}, "dat"),
    ({"user": "adele\u0000@contoso.com"}, "user"),
    ({"date": "9999-12-31"}, "date"),
    ({"date": "0001-01-01", "timezone": "Europe/Berlin"}, "date"),
    ({"archive": "Arch\u0007ive"}, "archive"),
])
def test_archive_bodies_are_refused_naming_the_field(call: Call, mailbox: str, body: dict[str, str],
                                                    field: str) -> None:
    assert_problem(call("POST", "archive", json={"user": mailbox, **body}), 400, field)


def test_control_characters_in_query_parameters_are_refused(call: Call) -> None:
    assert_problem(call("GET", "audit", params={"user": "a\u0001b@contoso.com"}), 400, "user")


def test_concurrent_starts_of_one_day_are_each_202_or_409(call: Call, api: str, graph: GraphSimulator,
                                                          mailbox: str) -> None:
    graph.add_user(mailbox)
    graph.add_event(mailbox, graph_event(DAY, "09:00", "10:00", "Planning"))

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: call("POST", "archive", json={"user": mailbox, "date": DAY.isoformat()}),
                                range(10)))

    assert {answer.status_code for answer in answers} <= {202, 409}
    started = [answer.json()["id"] for answer in answers if answer.status_code == 202]
    assert started and len(set(started)) == 1
    assert wait_for_archive(api, started[0])["runtimeStatus"] == "Completed"


def test_a_failed_run_tells_its_reason_without_a_stack_trace(call: Call, api: str, mailbox: str) -> None:
    # A mailbox the simulator does not know: the run fails after its retries.
    started = call("POST", "archive", json={"user": mailbox, "date": DAY.isoformat()})
    status = wait_for_archive(api, started.json()["id"], timeout=60)

    assert status["runtimeStatus"] == "Failed"
    answers = [requests.get(f"{api}/archive/{started.json()['id']}", timeout=10).text,
               call("GET", "audit", params={"user": mailbox}).text,
               call("GET", "audit/export", params={"user": mailbox}).text]
    for text in answers:
        assert "Traceback" not in text and 'File \\"' not in text and "site-packages" not in text, text
    assert mailbox in status["output"] or "not found" in status["output"].lower()
