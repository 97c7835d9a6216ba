from __future__ import annotations

import datetime as dt

from shared.bootstrap import Container
from shared.domain.conflicts import Conflict, ConflictItem
from tests.e2e.api.conftest import Call, assert_problem


def _conflict(user: str, day: dt.date, group: str = "g1") -> Conflict:
    start = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
    items = [
        ConflictItem(event_id=f"{group}-a", subject="Design review", start=start, end=start + dt.timedelta(hours=1)),
        ConflictItem(event_id=f"{group}-b", subject="Customer call", start=start + dt.timedelta(minutes=30),
                     end=start + dt.timedelta(hours=1, minutes=30)),
    ]
    return Conflict(user=user, date=day, group_key=group, items=items)


def test_conflicts_are_listed_page_by_page_and_filtered(call: Call, deps: Container, mailbox: str) -> None:
    days = [dt.date(2026, 10, d) for d in (5, 6, 7)]
    stored = deps.conflicts.upsert_many([_conflict(mailbox, day) for day in days])
    deps.conflicts.save(stored[2].resolved(by="someone", kept=["g1-a"]))

    first = call("GET", "conflicts", params={"user": mailbox, "page_size": 2})
    assert first.status_code == 200
    page = first.json()
    assert [c["date"] for c in page["items"]] == ["2026-10-05", "2026-10-06"]
    assert page["continuation"]
    second = call("GET", "conflicts", params={"user": mailbox, "page_size": 2, "continuation": page["continuation"]})
    assert [c["date"] for c in second.json()["items"]] == ["2026-10-07"]
    assert second.json()["continuation"] is None

    open_only = call("GET", "conflicts", params={"user": mailbox, "status": "open"}).json()["items"]
    assert [c["date"] for c in open_only] == ["2026-10-05", "2026-10-06"]
    ranged = call("GET", "conflicts", params={"user": mailbox, "from": "2026-10-06", "to": "2026-10-07"}).json()
    assert [(c["date"], c["status"]) for c in ranged["items"]] == [("2026-10-06", "open"), ("2026-10-07", "resolved")]
    assert "etag" not in ranged["items"][0]
    until = call("GET", "conflicts", params={"user": mailbox, "to": "2026-10-06"}).json()["items"]
    assert [c["date"] for c in until] == ["2026-10-05", "2026-10-06"]


def test_a_conflict_is_read_by_id_and_unknown_ids_are_404(call: Call, deps: Container, mailbox: str) -> None:
    [stored] = deps.conflicts.upsert_many([_conflict(mailbox, dt.date(2026, 10, 9))])

    found = call("GET", f"conflicts/{stored.id}")
    assert found.status_code == 200
    assert found.json()["id"] == stored.id
    assert [item["subject"] for item in found.json()["items"]] == ["Design review", "Customer call"]
    assert_problem(call("GET", "conflicts/20261009-00000000000000000000"), 404)
    assert_problem(call("GET", "conflicts/not-a-conflict-id"), 404)
    assert_problem(call("POST", "conflicts/20261009-00000000000000000000/resolve", json={"keep": []}), 404)


def test_bad_query_values_are_400_naming_the_parameter(call: Call) -> None:
    assert_problem(call("GET", "conflicts", params={"from": "2026-10-09", "to": "2026-10-01"}), 400, "to")
    assert_problem(call("GET", "conflicts", params={"from": "yesterday-ish"}), 400, "from")
    assert_problem(call("GET", "conflicts", params={"status": "closed"}), 400, "status")
    assert_problem(call("GET", "conflicts", params={"page_size": "0"}), 400, "page_size")
    assert_problem(call("GET", "conflicts", params={"continuation": "not-a-token"}), 400, "continuation")


def test_keeping_an_event_that_is_not_in_the_conflict_is_400_and_changes_nothing(
    call: Call, deps: Container, mailbox: str
) -> None:
    [stored] = deps.conflicts.upsert_many([_conflict(mailbox, dt.date(2026, 10, 12))])

    refused = call("POST", f"conflicts/{stored.id}/resolve", json={"keep": ["g1-a", "someone-else"]})

    body = assert_problem(refused, 400, "keep")
    assert "someone-else" in body["detail"]
    assert call("GET", f"conflicts/{stored.id}").json()["status"] == "open"


def test_malformed_resolution_bodies_are_400(call: Call, deps: Container, mailbox: str) -> None:
    [stored] = deps.conflicts.upsert_many([_conflict(mailbox, dt.date(2026, 10, 13))])
    path = f"conflicts/{stored.id}/resolve"

    assert_problem(call("POST", path, data=b"{not json", headers={"Content-Type": "application/json"}), 400, "body")
    assert_problem(call("POST", path, json=["g1-a"]), 400, "body")
    assert_problem(call("POST", path, json={"keep": "g1-a"}), 400, "keep")
    assert_problem(call("POST", path, json={"keep": ["g1-a"], "keeps": []}), 400, "keeps")
    assert_problem(call("POST", path, data=b" " * (1024 * 1024 + 1)), 413)
    assert call("GET", f"conflicts/{stored.id}").json()["status"] == "open"


def test_keeping_nothing_resolves_without_starting_an_archive(call: Call, deps: Container, mailbox: str) -> None:
    [stored] = deps.conflicts.upsert_many([_conflict(mailbox, dt.date(2026, 10, 14))])

    resolved = call("POST", f"conflicts/{stored.id}/resolve", json={"keep": []})

    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["archive_instance_id"] is None
    assert resolved.json()["conflict"]["resolved_by"] == "api"
    assert_problem(call("POST", f"conflicts/{stored.id}/resolve", json={"keep": []}), 409)
