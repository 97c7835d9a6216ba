from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph, event

JSON = {"Content-Type": "application/json"}
AUTH = {"Authorization": "Bearer test-token"}


def create(i: int, calendar: str | None = None, **extra: Any) -> dict[str, Any]:
    url = f"/users/{UPN}/calendars/{calendar}/events" if calendar else f"/users/{UPN}/events"
    hour = f"{i % 24:02d}"
    body = event(f"Copy {i}", f"2026-11-24T{hour}:00:00", f"2026-11-24T{hour}:30:00")
    return {"id": str(i), "method": "POST", "url": url, "headers": JSON, "body": body, **extra}


def test_batch_of_21_is_400(graph: Graph, adele: str) -> None:
    response = graph.post("/$batch", {"requests": [create(i) for i in range(21)]})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BadRequest"


def test_duplicate_ids_are_400(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    response = graph.post("/$batch", {"requests": [create(1), create(1)]})
    assert response.status_code == 400
    assert graph_sim.events(UPN) == []


@pytest.mark.parametrize("body", [{}, {"requests": []}, {"requests": [{"id": "1"}]}, {"requests": "x"}])
def test_malformed_batches_are_400(graph: Graph, adele: str, body: dict[str, Any]) -> None:
    assert graph.post("/$batch", body).status_code == 400


def test_batch_answers_200_with_every_item_matched_by_id(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    items = [create(i, archive) for i in range(20)]
    items[7] = {"id": "7", "method": "GET", "url": f"/users/{UPN}/events/AAMkAmissing"}
    response = graph.post("/$batch", {"requests": items})
    assert response.status_code == 200
    answers = response.json()["responses"]
    assert sorted(int(a["id"]) for a in answers) == list(range(20))
    assert [a["id"] for a in answers] != [str(i) for i in range(20)], "answers come back in any order"
    by_id = {a["id"]: a for a in answers}
    assert by_id["7"]["status"] == 404 and by_id["7"]["body"]["error"]["code"] == "ErrorItemNotFound"
    assert by_id["3"]["status"] == 201 and by_id["3"]["body"]["subject"] == "Copy 3"
    assert by_id["3"]["headers"]["Content-Type"].startswith("application/json")
    assert len(graph_sim.events(UPN, archive)) == 19


def test_items_are_logged_individually(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph.post("/$batch", {"requests": [create(1), create(2)]})
    items = [r for r in graph_sim.requests if r.batch_item]
    assert sorted(r.body["subject"] for r in items) == ["Copy 1", "Copy 2"]
    assert all(r.mailbox == UPN and r.status == 201 and r.path == f"/users/{UPN}/events" for r in items)
    [envelope] = [r for r in graph_sim.requests if not r.batch_item]
    assert envelope.path == "/$batch" and envelope.mailbox is None


def test_relative_urls_with_and_without_slash_and_query(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("Seen", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    window = "startDateTime=2026-11-24T00:00:00Z&endDateTime=2026-11-25T00:00:00Z"
    answers = graph.post("/$batch", {"requests": [
        {"id": "a", "method": "GET", "url": f"users/{UPN}/calendarView?{window}"},
        {"id": "b", "method": "GET", "url": f"/users/{UPN}/calendarView?{window}&$select=subject"},
        {"id": "c", "method": "GET", "url": f"https://graph.microsoft.com/v1.0/users/{UPN}/events"},
    ]}).json()["responses"]
    by_id = {a["id"]: a for a in answers}
    assert [e["subject"] for e in by_id["a"]["body"]["value"]] == ["Seen"]
    assert set(by_id["b"]["body"]["value"][0]) == {"id", "@odata.etag", "subject"}
    assert by_id["c"]["status"] == 400


def test_body_without_content_type_fails_the_item(graph: Graph, adele: str) -> None:
    item = create(1)
    del item["headers"]
    [answer] = graph.post("/$batch", {"requests": [item]}).json()["responses"]
    assert answer["status"] == 400


def test_depends_on_runs_in_order_and_fails_dependents_with_424(graph_sim: GraphSimulator, graph: Graph,
                                                                adele: str) -> None:
    graph_sim.faults.fail_writes_for(lambda body: body.get("subject") == "Copy 2")
    requests_ = [create(1), create(2, dependsOn=["1"]), create(3, dependsOn=["2"]), create(4, dependsOn=["1"])]
    answers = {a["id"]: a for a in graph.post("/$batch", {"requests": requests_}).json()["responses"]}
    assert answers["1"]["status"] == 201
    assert answers["2"]["status"] == 400
    assert answers["3"]["status"] == 424
    assert answers["4"]["status"] == 201
    item_starts = {r.body["subject"]: (r.started, r.finished) for r in graph_sim.requests if r.batch_item}
    assert item_starts["Copy 4"][0] >= item_starts["Copy 1"][1]
    assert "Copy 3" not in item_starts


def test_depends_on_unknown_or_cyclic_ids_is_400(graph: Graph, adele: str) -> None:
    assert graph.post("/$batch", {"requests": [create(1, dependsOn=["9"])]}).status_code == 400
    cyclic = [create(1, dependsOn=["2"]), create(2, dependsOn=["1"])]
    assert graph.post("/$batch", {"requests": cyclic}).status_code == 400


def test_at_most_4_items_of_a_batch_run_at_once_per_mailbox(adele: str) -> None:
    with GraphSimulator(latency_ms=60) as sim:
        sim.add_user(UPN)
        answers = requests.post(f"{sim.base_url}/$batch", json={"requests": [create(i) for i in range(12)]},
                                headers=AUTH).json()["responses"]
        assert all(a["status"] == 201 for a in answers)
        assert sim.max_in_flight(UPN) == 4


def test_item_throttling_gives_429_with_own_retry_after(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.faults.item_throttle_first(2, retry_after="0.4")
    items = [create(1), create(2, dependsOn=["1"]), create(3, dependsOn=["2"])]
    response = graph.post("/$batch", {"requests": items})
    assert response.status_code == 200
    answers = {a["id"]: a for a in response.json()["responses"]}
    assert answers["1"]["status"] == 429 and answers["1"]["headers"]["Retry-After"] == "0.4"
    assert answers["1"]["body"]["error"]["code"] == "TooManyRequests"
    assert answers["2"]["status"] == 424 and answers["3"]["status"] == 424
    again = {a["id"]: a for a in graph.post("/$batch", {"requests": items}).json()["responses"]}
    assert answers["1"] is not again["1"]
    assert again["1"]["status"] == 429 and again["2"]["status"] == 424
    third = {a["id"]: a for a in graph.post("/$batch", {"requests": items}).json()["responses"]}
    assert [third[i]["status"] for i in "123"] == [201, 201, 201]


def test_concurrent_batches_keep_their_items_apart(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    results: dict[int, list[dict[str, Any]]] = {}

    def send(n: int) -> None:
        items = [create(n * 100 + i) for i in range(5)]
        response = requests.post(graph.url("/$batch"), json={"requests": items}, headers=AUTH)
        results[n] = response.json()["responses"]

    threads = [threading.Thread(target=send, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, answers in results.items():
        for answer in answers:
            if answer["status"] == 201:
                assert answer["body"]["subject"] == f"Copy {answer['id']}"
        assert {a["id"] for a in answers} == {str(n * 100 + i) for i in range(5)}
