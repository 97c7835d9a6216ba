from __future__ import annotations

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph


def test_each_user_has_a_primary_calendar(graph: Graph, adele: str) -> None:
    listing = graph.get(f"/users/{UPN}/calendars").json()
    [primary] = listing["value"]
    assert primary["name"] == "Calendar"
    assert primary["isDefaultCalendar"] is True
    assert primary["owner"] == {"name": "Adele Vance", "address": UPN}
    assert graph.get(f"/users/{UPN}/calendar").json()["id"] == primary["id"]


def test_create_calendar_then_get_it(graph: Graph, adele: str) -> None:
    created = graph.post(f"/users/{UPN}/calendars", {"name": "Archive"})
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Archive" and body["id"] and body["changeKey"]
    assert body["isRemovable"] is True
    fetched = graph.get(f"/users/{UPN}/calendars/{body['id']}")
    assert fetched.status_code == 200 and fetched.json()["name"] == "Archive"


def test_duplicate_calendar_name_is_409_folder_exists(graph: Graph, adele: str) -> None:
    assert graph.post(f"/users/{UPN}/calendars", {"name": "Archive"}).status_code == 201
    duplicate = graph.post(f"/users/{UPN}/calendars", {"name": "archive"})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "ErrorFolderExists"


def test_calendar_without_name_is_400(graph: Graph, adele: str) -> None:
    assert graph.post(f"/users/{UPN}/calendars", {}).status_code == 400


def test_unknown_calendar_is_404(graph: Graph, adele: str) -> None:
    assert graph.get(f"/users/{UPN}/calendars/AAMkAnothing").status_code == 404


def test_calendar_list_pages_with_next_link(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    for name in ("A", "B", "C", "D"):
        graph_sim.add_calendar(UPN, name)
    first = graph.get(f"/users/{UPN}/calendars", params={"$top": 2}).json()
    assert len(first["value"]) == 2
    second = graph.get(first["@odata.nextLink"]).json()
    third = graph.get(second["@odata.nextLink"]).json()
    assert "@odata.nextLink" not in third
    names = [c["name"] for page in (first, second, third) for c in page["value"]]
    assert names == ["Calendar", "A", "B", "C", "D"]


def test_delete_calendar_but_not_the_primary(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    primary = graph.get(f"/users/{UPN}/calendar").json()["id"]
    assert graph.delete(f"/users/{UPN}/calendars/{primary}").status_code == 400
    assert graph.delete(f"/users/{UPN}/calendars/{archive}").status_code == 204
    assert [c["name"] for c in graph_sim.calendars(UPN)] == ["Calendar"]
