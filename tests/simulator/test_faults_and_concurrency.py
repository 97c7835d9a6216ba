from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import requests

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph, event

AUTH = {"Authorization": "Bearer test-token"}
WINDOW = {"startDateTime": "2026-11-24T00:00:00Z", "endDateTime": "2026-11-25T00:00:00Z"}


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def run(i: int) -> None:
        start.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_throttle_first_answers_429_with_retry_after(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.faults.throttle_first(2, retry_after="0.3")
    first = graph.get(f"/users/{UPN}/calendarView", params=WINDOW)
    second = graph.get(f"/users/{UPN}/calendars")
    third = graph.get(f"/users/{UPN}/calendars")
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "0.3"
    error = first.json()["error"]
    assert error["code"] == "TooManyRequests" and error["message"] == "Please retry again later."
    assert error["innerError"]["status"] == "429" and error["innerError"]["request-id"]


def test_random_errors_are_reproducible_with_a_seed(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    def statuses() -> list[int]:
        graph_sim.faults.random_errors(probability=0.5, seed=7, statuses=(429, 503), retry_after="0.1")
        return [graph.get(f"/users/{UPN}/calendars").status_code for _ in range(30)]

    first, second = statuses(), statuses()
    assert first == second
    assert {429, 503, 200} <= set(first)
    failed = graph.get(f"/users/{UPN}/calendars")
    while failed.status_code == 200:
        failed = graph.get(f"/users/{UPN}/calendars")
    assert failed.headers["Retry-After"] == "0.1"
    graph_sim.faults.reset()
    assert all(graph.get(f"/users/{UPN}/calendars").status_code == 200 for _ in range(10))


def test_fail_writes_for_poisons_matching_writes_only(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.faults.fail_writes_for(lambda body: body.get("subject") == "Poison")
    poison = graph.post(f"/users/{UPN}/events", event("Poison", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    assert poison.status_code == 400 and poison.json()["error"]["code"] == "ErrorInvalidRequest"
    fine = graph.post(f"/users/{UPN}/events", event("Fine", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    assert fine.status_code == 201
    assert graph.patch(f"/users/{UPN}/events/{fine.json()['id']}", {"subject": "Poison"}).status_code == 400
    assert [e["subject"] for e in graph_sim.events(UPN)] == ["Fine"]


def test_latency_is_added(adele: str) -> None:
    with GraphSimulator(latency_ms=80) as sim:
        sim.add_user(UPN)
        requests.get(f"{sim.base_url}/users/{UPN}/calendars", headers=AUTH)
        [record] = sim.requests
        assert record.finished - record.started >= 0.08
        sim.faults.latency_ms = 0
        sim.clear_requests()
        requests.get(f"{sim.base_url}/users/{UPN}/calendars", headers=AUTH)
        assert sim.requests[0].finished - sim.requests[0].started < 0.08


def test_eight_threads_at_once_overrun_the_mailbox_and_get_429() -> None:
    with GraphSimulator(latency_ms=300) as sim:
        sim.add_user(UPN)
        url = f"{sim.base_url}/users/{UPN}/calendarView"
        responses = run_threads(8, lambda i: requests.get(url, params=WINDOW, headers=AUTH))
        statuses = sorted(r.status_code for r in responses)
        # Normally 4 and 4; a thread scheduled very late on a busy machine may find a free slot.
        assert statuses.count(200) >= 4 and statuses.count(429) >= 1 and set(statuses) == {200, 429}
        throttled = next(r for r in responses if r.status_code == 429)
        assert throttled.json()["error"]["code"] == "ApplicationThrottled"
        assert throttled.json()["error"]["message"] == "Application is over its MailboxConcurrency limit."
        assert float(throttled.headers["Retry-After"]) > 0
        # Every request received at once is counted, the refused ones too: the overrun is visible.
        assert sim.max_in_flight(UPN) >= 5
        assert sim.max_in_flight("ADELE@contoso.com") == sim.max_in_flight(UPN)


def test_a_client_that_keeps_to_4_is_never_throttled() -> None:
    with GraphSimulator(latency_ms=60) as sim:
        sim.add_user(UPN)
        url = f"{sim.base_url}/users/{UPN}/calendarView"
        gate = threading.Semaphore(4)

        def call(i: int) -> int:
            with gate, requests.Session() as session:
                return session.get(url, params=WINDOW, headers=AUTH).status_code

        assert run_threads(8, call) == [200] * 8
        assert 2 <= sim.max_in_flight(UPN) <= 4
        sim.clear_requests()
        assert sim.max_in_flight(UPN) == 0


def test_mailboxes_are_limited_independently() -> None:
    with GraphSimulator(latency_ms=100) as sim:
        sim.add_user(UPN)
        sim.add_user("megan@contoso.com")
        users = [UPN] * 4 + ["megan@contoso.com"] * 4
        responses = run_threads(8, lambda i: requests.get(f"{sim.base_url}/users/{users[i]}/calendars", headers=AUTH))
        assert [r.status_code for r in responses] == [200] * 8
        assert sim.max_in_flight(UPN) <= 4 and sim.max_in_flight("megan@contoso.com") <= 4


def test_mailbox_concurrency_is_configurable() -> None:
    with GraphSimulator(latency_ms=250, mailbox_concurrency=2) as sim:
        sim.add_user(UPN)
        responses = run_threads(3, lambda i: requests.get(f"{sim.base_url}/users/{UPN}/calendars", headers=AUTH))
        assert sorted(r.status_code for r in responses) == [200, 200, 429]


def test_batch_items_count_towards_the_mailbox_limit() -> None:
    with GraphSimulator(latency_ms=250) as sim:
        sim.add_user(UPN)
        items = [{"id": str(i), "method": "GET", "url": f"/users/{UPN}/calendars"} for i in range(4)]

        def work(i: int) -> requests.Response:
            if i == 0:
                return requests.post(f"{sim.base_url}/$batch", json={"requests": items}, headers=AUTH)
            return requests.get(f"{sim.base_url}/users/{UPN}/calendars", headers=AUTH)

        responses = run_threads(3, work)
        item_statuses = [a["status"] for a in responses[0].json()["responses"]]
        all_statuses = item_statuses + [r.status_code for r in responses[1:]]
        assert all_statuses.count(429) >= 2
        assert sim.max_in_flight(UPN) >= 5


def test_many_clients_are_served_cheaply(graph_sim: GraphSimulator, adele: str) -> None:
    for i in range(30):
        graph_sim.add_event(UPN, event(f"E{i}", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))

    def read(i: int) -> list[int]:
        with requests.Session() as session:
            url = f"{graph_sim.base_url}/users/megan{i}@contoso.com/calendars"
            return [session.get(url, headers=AUTH).status_code for _ in range(20)]

    results = run_threads(16, read)
    assert all(status == 404 for statuses in results for status in statuses)
    assert len(graph_sim.requests) == 16 * 20
