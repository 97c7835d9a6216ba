from __future__ import annotations

from devtools.graph_simulator import GraphSimulator
from tests.e2e.api.archive_flow import DAY, archived_subjects, seed_overlap, wait_for_archive
from tests.e2e.api.conftest import Call, assert_problem


def test_resolving_a_held_back_conflict_archives_the_kept_event_and_audits_it(
    call: Call, api: str, graph: GraphSimulator, mailbox: str
) -> None:
    ids = seed_overlap(graph, mailbox)
    started = call("POST", "archive", json={"user": mailbox, "date": DAY.isoformat(), "allow_overlaps": False})
    assert started.status_code == 202, started.text
    first = wait_for_archive(api, started.json()["id"])
    assert first["runtimeStatus"] == "Completed", first
    assert archived_subjects(graph, mailbox) == ["Standup"]  # strict mode held the overlap back

    listed = call("GET", "conflicts", params={"user": mailbox, "status": "open"})
    assert listed.status_code == 200
    [conflict] = listed.json()["items"]
    assert sorted(item["event_id"] for item in conflict["items"]) == sorted(
        [ids["Design review"], ids["Customer call"]])

    resolved = call("POST", f"conflicts/{conflict['id']}/resolve",
                    json={"keep": [ids["Design review"]], "note": "the call moved"},
                    headers={"x-ms-client-principal-name": "planner@contoso.com"})

    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert body["conflict"]["status"] == "resolved"
    assert body["conflict"]["resolved_by"] == "planner@contoso.com"
    assert body["conflict"]["kept"] == [ids["Design review"]]
    run = wait_for_archive(api, body["archive_instance_id"])
    assert run["runtimeStatus"] == "Completed", run
    assert archived_subjects(graph, mailbox) == ["Design review", "Standup"]

    stored = call("GET", f"conflicts/{conflict['id']}").json()
    assert stored["status"] == "resolved" and stored["note"] == "the call moved"
    audit = call("GET", "audit", params={"user": mailbox, "action": "conflict"}).json()["items"]
    assert [(row["operation"], row["status"]) for row in audit] == [("resolve", "success")]
    assert audit[0]["details"]["kept"] == [ids["Design review"]]
    assert audit[0]["details"]["dropped"] == [ids["Customer call"]]
    assert audit[0]["correlation_id"] == body["archive_instance_id"]

    again = call("POST", f"conflicts/{conflict['id']}/resolve", json={"keep": [ids["Customer call"]]})
    assert_problem(again, 409)
    assert call("GET", f"archive/{body['archive_instance_id']}").json()["createdTime"] == run["createdTime"]
    assert archived_subjects(graph, mailbox) == ["Design review", "Standup"]
