from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.graph_simulator.recurrence import occurrence_dates
from tests.simulator.conftest import UPN, Graph, event

WEEK = {"startDateTime": "2026-11-23T00:00:00Z", "endDateTime": "2026-11-30T00:00:00Z"}


def weekly_standup(**extra: Any) -> dict[str, Any]:
    """09:00 Berlin time on Mon/Wed/Fri from Monday 2026-11-23, ten times."""
    return event(
        "Standup", "2026-11-23T09:00:00", "2026-11-23T09:15:00", "W. Europe Standard Time",
        recurrence={
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "wednesday", "friday"],
                        "firstDayOfWeek": "monday"},
            "range": {"type": "numberOfOccurrences", "startDate": "2026-11-23", "numberOfOccurrences": 10},
        },
        **extra,
    )


def view(graph: Graph, params: dict[str, str], **kw: Any) -> list[dict[str, Any]]:
    return graph.get(f"/users/{UPN}/calendarView", params={**params, "$top": 100}, **kw).json()["value"]


def test_series_expands_to_occurrences_never_the_master(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    master = graph_sim.add_event(UPN, weekly_standup())
    items = view(graph, WEEK)
    assert [i["start"]["dateTime"] for i in items] == [
        "2026-11-23T08:00:00.0000000", "2026-11-25T08:00:00.0000000", "2026-11-27T08:00:00.0000000",
    ]
    assert all(i["type"] == "occurrence" for i in items)
    assert all(i["seriesMasterId"] == master["id"] and i["recurrence"] is None for i in items)
    assert len({i["id"] for i in items}) == 3 and master["id"] not in {i["id"] for i in items}
    assert len({i["iCalUId"] for i in items}) == 3 and master["iCalUId"] not in {i["iCalUId"] for i in items}
    assert all(i["end"]["dateTime"][11:16] == "08:15" for i in items)


def test_number_of_occurrences_ends_the_series(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, weekly_standup())
    month = {"startDateTime": "2026-11-01T00:00:00Z", "endDateTime": "2027-01-01T00:00:00Z"}
    items = view(graph, month)
    assert len(items) == 10
    assert items[-1]["start"]["dateTime"].startswith("2026-12-14")


def test_occurrences_keep_local_time_across_dst(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event(
        "Daily", "2027-03-26T09:00:00", "2027-03-26T09:30:00", "W. Europe Standard Time",
        recurrence={"pattern": {"type": "daily", "interval": 1},
                    "range": {"type": "endDate", "startDate": "2027-03-26", "endDate": "2027-03-29"}},
    ))
    items = view(graph, {"startDateTime": "2027-03-20T00:00:00Z", "endDateTime": "2027-04-05T00:00:00Z"})
    # Europe moves to summer time on 2027-03-28: 09:00 local is 08:00Z before and 07:00Z after.
    assert [i["start"]["dateTime"][:16] for i in items] == [
        "2027-03-26T08:00", "2027-03-27T08:00", "2027-03-28T07:00", "2027-03-29T07:00",
    ]


def test_exceptions_and_cancelled_occurrences(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    moved = {"originalStart": "2026-11-25", "subject": "Standup (moved)",
             "start": {"dateTime": "2026-11-25T14:00:00", "timeZone": "W. Europe Standard Time"},
             "end": {"dateTime": "2026-11-25T14:30:00", "timeZone": "W. Europe Standard Time"}}
    master = graph_sim.add_event(UPN, weekly_standup(exceptionOccurrences=[moved], cancelledOccurrences=["2026-11-27"]))
    items = view(graph, WEEK)
    assert [(i["subject"], i["type"], i["start"]["dateTime"][:16]) for i in items] == [
        ("Standup", "occurrence", "2026-11-23T08:00"),
        ("Standup (moved)", "exception", "2026-11-25T13:00"),
    ]
    assert items[1]["seriesMasterId"] == master["id"]
    assert items[1]["originalStart"] == "2026-11-25T08:00:00Z"


def test_patch_of_an_occurrence_makes_an_exception(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, weekly_standup())
    first = view(graph, WEEK)[0]
    patched = graph.patch(f"/users/{UPN}/events/{first['id']}", {"subject": "Standup, longer",
                          "end": {"dateTime": "2026-11-23T08:45:00", "timeZone": "UTC"}})
    assert patched.status_code == 200
    assert patched.json()["type"] == "exception" and patched.json()["id"] == first["id"]
    again = view(graph, WEEK)
    assert [i["subject"] for i in again] == ["Standup, longer", "Standup", "Standup"]
    assert again[0]["end"]["dateTime"].startswith("2026-11-23T08:45")
    assert graph.get(f"/users/{UPN}/events/{first['id']}").json()["subject"] == "Standup, longer"


def test_delete_of_an_occurrence_cancels_only_it(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, weekly_standup())
    second = view(graph, WEEK)[1]
    assert graph.delete(f"/users/{UPN}/events/{second['id']}").status_code == 204
    assert [i["start"]["dateTime"][:10] for i in view(graph, WEEK)] == ["2026-11-23", "2026-11-27"]
    assert graph.get(f"/users/{UPN}/events/{second['id']}").status_code == 404


def test_events_list_shows_the_master_and_instances_expand_it(graph_sim: GraphSimulator, graph: Graph,
                                                              adele: str) -> None:
    master = graph_sim.add_event(UPN, weekly_standup())
    listed = graph.get(f"/users/{UPN}/events").json()["value"]
    assert [(e["id"], e["type"]) for e in listed] == [(master["id"], "seriesMaster")]
    instances = graph.get(f"/users/{UPN}/events/{master['id']}/instances", params=WEEK).json()["value"]
    assert len(instances) == 3


def test_deleting_the_master_removes_the_series(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    master = graph_sim.add_event(UPN, weekly_standup(cancelledOccurrences=["2026-11-25"]))
    assert graph.delete(f"/users/{UPN}/events/{master['id']}").status_code == 204
    assert view(graph, WEEK) == [] and graph_sim.events(UPN) == []


def test_invalid_recurrence_is_400(graph: Graph, adele: str) -> None:
    body = event("Bad", "2026-11-23T09:00:00", "2026-11-23T10:00:00",
                 recurrence={"pattern": {"type": "hourly"}, "range": {"type": "noEnd"}})
    assert graph.post(f"/users/{UPN}/events", body).status_code == 400


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"type": "daily", "interval": 2}, ["2026-01-01", "2026-01-03", "2026-01-05"]),
        ({"type": "weekly", "interval": 2, "daysOfWeek": ["tuesday", "thursday"]},
         ["2026-01-01", "2026-01-13", "2026-01-15"]),
        ({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}, ["2026-01-31", "2026-02-28", "2026-03-31"]),
        ({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["friday"], "index": "last"},
         ["2026-01-30", "2026-02-27", "2026-03-27"]),
        ({"type": "absoluteYearly", "interval": 1, "month": 2, "dayOfMonth": 29},
         ["2026-02-28", "2027-02-28", "2028-02-29"]),
    ],
)
def test_patterns(pattern: dict[str, Any], expected: list[str]) -> None:
    recurrence = {"pattern": pattern, "range": {"type": "numberOfOccurrences", "numberOfOccurrences": 3}}
    dates = list(occurrence_dates(recurrence, date(2026, 1, 1), date(2030, 1, 1)))
    assert [d.isoformat() for d in dates] == expected


def test_no_end_series_stops_at_the_window() -> None:
    recurrence = {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "noEnd"}}
    assert len(list(occurrence_dates(recurrence, date(2026, 1, 1), date(2026, 1, 10)))) == 10
