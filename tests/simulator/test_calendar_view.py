from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph, event

DAY = {"startDateTime": "2026-11-24T00:00:00Z", "endDateTime": "2026-11-25T00:00:00Z"}
PROP = "String {66f5a359-4659-4830-9070-00040ec6ac6e} Name SourceKey"


def short_event(subject: str, minute: int) -> dict[str, Any]:
    return event(subject, f"2026-11-24T10:{minute:02d}:00", f"2026-11-24T10:{minute:02d}:30")


def view(graph: Graph, params: dict[str, Any], path: str = f"/users/{UPN}/calendarView", **kw: Any) -> list[dict]:
    """Every item of a calendarView, following @odata.nextLink to the end."""
    items: list[dict] = []
    page = graph.get(path, params=params, **kw).json()
    while True:
        items.extend(page["value"])
        if "@odata.nextLink" not in page:
            return items
        page = graph.get(page["@odata.nextLink"], **kw).json()


@pytest.mark.parametrize("missing", ["startDateTime", "endDateTime"])
def test_window_is_required(graph: Graph, adele: str, missing: str) -> None:
    params = {k: v for k, v in DAY.items() if k != missing}
    response = graph.get(f"/users/{UPN}/calendarView", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "ErrorInvalidParameter"


def test_events_touching_the_window_are_returned(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("ends at window start", "2026-11-23T23:00:00", "2026-11-24T00:00:00"))
    graph_sim.add_event(UPN, event("starts at window end", "2026-11-25T00:00:00", "2026-11-25T01:00:00"))
    graph_sim.add_event(UPN, event("inside", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    graph_sim.add_event(UPN, event("day before", "2026-11-23T09:00:00", "2026-11-23T10:00:00"))
    graph_sim.add_event(UPN, event("day after", "2026-11-25T09:00:00", "2026-11-25T10:00:00"))
    subjects = [e["subject"] for e in view(graph, DAY)]
    assert subjects == ["ends at window start", "inside", "starts at window end"]


def test_window_offsets_count_and_no_offset_means_utc(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("early UTC", "2026-11-24T03:00:00", "2026-11-24T04:00:00"))
    inside = {"startDateTime": "2026-11-24T07:30:00+05:00", "endDateTime": "2026-11-24T08:30:00+05:00"}
    assert [e["subject"] for e in view(graph, inside)] == ["early UTC"]
    read_as_utc_it_misses = {"startDateTime": "2026-11-24T03:30:00+05:00", "endDateTime": "2026-11-24T04:30:00+05:00"}
    assert view(graph, read_as_utc_it_misses) == []
    naive_is_utc = {"startDateTime": "2026-11-24T03:30:00", "endDateTime": "2026-11-24T03:45:00"}
    assert [e["subject"] for e in view(graph, naive_is_utc)] == ["early UTC"]
    # A '+' that was not URL-encoded arrives as a space; it still reads as an offset.
    query = "startDateTime=2026-11-24T07:30:00+05:00&endDateTime=2026-11-24T08:30:00+05:00"
    raw = graph.get(f"/users/{UPN}/calendarView?{query}")
    assert [e["subject"] for e in raw.json()["value"]] == ["early UTC"]


def test_times_are_utc_with_seven_digit_fraction(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("Lunch", "2026-11-24T12:00:00", "2026-11-24T13:00:00", "Pacific Standard Time"))
    [item] = view(graph, {"startDateTime": "2026-11-24T00:00:00Z", "endDateTime": "2026-11-26T00:00:00Z"},
                  headers={"Prefer": 'outlook.timezone="UTC"'})
    assert item["start"] == {"dateTime": "2026-11-24T20:00:00.0000000", "timeZone": "UTC"}
    assert item["end"] == {"dateTime": "2026-11-24T21:00:00.0000000", "timeZone": "UTC"}
    assert item["originalStartTimeZone"] == "Pacific Standard Time"


def test_prefer_other_time_zone_converts(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("Standup", "2026-11-24T09:00:00", "2026-11-24T09:15:00"))
    [item] = view(graph, DAY, headers={"Prefer": 'outlook.timezone="W. Europe Standard Time"'})
    assert item["start"] == {"dateTime": "2026-11-24T10:00:00.0000000", "timeZone": "W. Europe Standard Time"}


def test_paging_with_page_cap_2_returns_every_event_once() -> None:
    with GraphSimulator(page_cap=2) as sim, requests.Session() as session:
        sim.add_user(UPN)
        for hour in range(7):
            sim.add_event(UPN, event(f"E{hour}", f"2026-11-24T0{hour}:00:00", f"2026-11-24T0{hour}:30:00"))
        session.headers["Authorization"] = "Bearer test-token"
        client = Graph(sim.base_url, session)
        pages = [client.get(f"/users/{UPN}/calendarView", params={**DAY, "$top": 100}).json()]
        while "@odata.nextLink" in pages[-1]:
            pages.append(client.get(pages[-1]["@odata.nextLink"]).json())
    assert [len(p["value"]) for p in pages] == [2, 2, 2, 1]
    assert [e["subject"] for p in pages for e in p["value"]] == [f"E{h}" for h in range(7)]
    assert "$skiptoken=" in pages[0]["@odata.nextLink"]


def test_default_page_size_is_10_and_top_is_honoured(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    for minute in range(12):
        graph_sim.add_event(UPN, short_event(f"M{minute}", minute))
    first = graph.get(f"/users/{UPN}/calendarView", params=DAY).json()
    assert len(first["value"]) == 10 and "@odata.nextLink" in first
    top3 = graph.get(f"/users/{UPN}/calendarView", params={**DAY, "$top": 3}).json()
    assert [e["subject"] for e in top3["value"]] == ["M0", "M1", "M2"]
    assert len(view(graph, {**DAY, "$top": 5})) == 12
    assert graph.get(f"/users/{UPN}/calendarView", params={**DAY, "$top": 1001}).status_code == 400


def test_prefer_maxpagesize_limits_pages(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    for minute in range(3):
        graph_sim.add_event(UPN, short_event(f"M{minute}", minute))
    page = graph.get(f"/users/{UPN}/calendarView", params=DAY, headers={"Prefer": "odata.maxpagesize=1"}).json()
    assert len(page["value"]) == 1


def test_an_empty_window_is_one_page_without_next_link(graph: Graph, adele: str) -> None:
    page = graph.get(f"/users/{UPN}/calendarView", params=DAY).json()
    assert page["value"] == [] and "@odata.nextLink" not in page


def test_cancelled_single_events_are_returned_flagged(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("Cancelled", "2026-11-24T09:00:00", "2026-11-24T10:00:00", isCancelled=True))
    [item] = view(graph, DAY)
    assert item["isCancelled"] is True


def test_view_of_a_named_calendar_only_shows_its_events(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    graph_sim.add_event(UPN, event("primary", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    graph_sim.add_event(UPN, event("archived", "2026-11-24T09:00:00", "2026-11-24T10:00:00"), calendar_id=archive)
    assert [e["subject"] for e in view(graph, DAY, f"/users/{UPN}/calendars/{archive}/calendarView")] == ["archived"]
    assert [e["subject"] for e in view(graph, DAY, f"/users/{UPN}/calendar/calendarView")] == ["primary"]


def test_select_keeps_id_and_chosen_fields(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph_sim.add_event(UPN, event("Pick", "2026-11-24T09:00:00", "2026-11-24T10:00:00", categories=["A - billable"]))
    [item] = view(graph, {**DAY, "$select": "subject,start"})
    assert set(item) == {"id", "@odata.etag", "subject", "start"}


def test_extended_properties_only_when_expanded(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    other = "String {66f5a359-4659-4830-9070-00040ec6ac6e} Name Other"
    props = [{"id": PROP, "value": "k1"}, {"id": other, "value": "x"}]
    graph_sim.add_event(UPN, event("Tagged", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                                   singleValueExtendedProperties=props))
    [plain] = view(graph, DAY)
    assert "singleValueExtendedProperties" not in plain
    [expanded] = view(graph, {**DAY, "$expand": f"singleValueExtendedProperties($filter=id eq '{PROP}')"})
    assert expanded["singleValueExtendedProperties"] == [{"id": PROP, "value": "k1"}]


def test_unsupported_expand_is_400(graph: Graph, adele: str) -> None:
    assert graph.get(f"/users/{UPN}/calendarView", params={**DAY, "$expand": "attachments"}).status_code == 400
