from __future__ import annotations

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph, event

KEY = "String {66f5a359-4659-4830-9070-00040ec6ac6e} Name SourceKey"
# The request body of Graph's "create event in calendar" example (graph-samples/event_create_in_calendar_request.json).
DOCUMENTED_CREATE = {
    "subject": "Let's go for lunch",
    "body": {"contentType": "HTML", "content": "Does mid month work for you?"},
    "start": {"dateTime": "2019-03-15T12:00:00", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2019-03-15T14:00:00", "timeZone": "Pacific Standard Time"},
    "location": {"displayName": "Harry's Bar"},
    "attendees": [{"emailAddress": {"address": "adelev@contoso.onmicrosoft.com", "name": "Adele Vance"},
                   "type": "required"}],
    "transactionId": "7E163156-7762-4BEB-A1C6-729EA81755A7",
}


def test_create_event_in_calendar_from_the_documented_request(graph_sim: GraphSimulator, graph: Graph,
                                                              adele: str) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    created = graph.post(f"/users/{UPN}/calendars/{archive}/events", DOCUMENTED_CREATE)
    assert created.status_code == 201
    body = created.json()
    assert body["id"] and body["iCalUId"] and body["changeKey"]
    assert body["@odata.etag"] == f'W/"{body["changeKey"]}"'
    assert body["createdDateTime"].endswith("Z") and body["lastModifiedDateTime"].endswith("Z")
    assert body["type"] == "singleInstance" and body["seriesMasterId"] is None
    assert body["start"] == {"dateTime": "2019-03-15T19:00:00.0000000", "timeZone": "UTC"}
    assert body["organizer"]["emailAddress"]["address"] == UPN
    assert [e["id"] for e in graph_sim.events(UPN, archive)] == [body["id"]]
    assert graph_sim.events(UPN) == []


def test_read_only_fields_are_ignored(graph: Graph, adele: str) -> None:
    body = event("Copy", "2026-11-24T09:00:00", "2026-11-24T10:00:00", id="forged", iCalUId="forged",
                 organizer={"emailAddress": {"address": "someone@else.com"}}, changeKey="forged", type="occurrence")
    created = graph.post(f"/users/{UPN}/events", body).json()
    assert created["id"] != "forged" and created["iCalUId"] != "forged" and created["changeKey"] != "forged"
    assert created["organizer"]["emailAddress"]["address"] == UPN
    assert created["type"] == "singleInstance"


def test_event_needs_start_and_end(graph: Graph, adele: str) -> None:
    response = graph.post(f"/users/{UPN}/events", {"subject": "No time"})
    assert response.status_code == 400
    backwards = graph.post(f"/users/{UPN}/events", event("Backwards", "2026-11-24T10:00:00", "2026-11-24T09:00:00"))
    assert backwards.status_code == 400
    bad_zone = graph.post(f"/users/{UPN}/events", event("Zone", "2026-11-24T09:00:00", "2026-11-24T10:00:00", "Mars"))
    assert bad_zone.status_code == 400


def test_extended_property_is_stored_and_found_by_filter(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    path = f"/users/{UPN}/calendars/{archive}/events"
    body = event("Copy", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                 singleValueExtendedProperties=[{"id": KEY, "value": "Cal|UID1|2026-11-24T09:00"}])
    created = graph.post(path, body).json()
    assert "singleValueExtendedProperties" not in created
    [stored] = graph_sim.events(UPN, archive)
    assert stored["singleValueExtendedProperties"] == [{"id": KEY, "value": "Cal|UID1|2026-11-24T09:00"}]
    graph.post(path, event("Other", "2026-11-24T11:00:00", "2026-11-24T12:00:00"))

    def find(property_id: str, value: str) -> list[str]:
        query = f"singleValueExtendedProperties/Any(ep: ep/id eq '{property_id}' and ep/value eq '{value}')"
        response = graph.get(path, params={"$filter": query})
        assert response.status_code == 200
        return [e["subject"] for e in response.json()["value"]]

    assert find(KEY, "Cal|UID1|2026-11-24T09:00") == ["Copy"]
    assert find(KEY, "cal|uid1|2026-11-24t09:00") == ["Copy"]  # values compare case-insensitively
    assert find(KEY.replace("SourceKey", "sourcekey"), "Cal|UID1|2026-11-24T09:00") == []  # names do not
    assert find(KEY, "something else") == []


def test_unsupported_filter_is_400(graph: Graph, adele: str) -> None:
    response = graph.get(f"/users/{UPN}/events", params={"$filter": "subject eq 'x'"})
    assert response.status_code == 400


def test_get_event_with_expand(graph: Graph, adele: str) -> None:
    body = event("Copy", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                 singleValueExtendedProperties=[{"id": KEY, "value": "v"}])
    created = graph.post(f"/users/{UPN}/events", body).json()
    plain = graph.get(f"/users/{UPN}/events/{created['id']}").json()
    assert plain["subject"] == "Copy" and "singleValueExtendedProperties" not in plain
    expanded = graph.get(f"/users/{UPN}/events/{created['id']}",
                         params={"$expand": f"singleValueExtendedProperties($filter=id eq '{KEY}')"}).json()
    assert expanded["singleValueExtendedProperties"] == [{"id": KEY, "value": "v"}]


def test_patch_bumps_change_key_and_keeps_identity(graph: Graph, adele: str) -> None:
    created = graph.post(f"/users/{UPN}/events", event("Before", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                                                       categories=["Acme - billable"])).json()
    patched = graph.patch(f"/users/{UPN}/events/{created['id']}", {
        "subject": "After", "end": {"dateTime": "2026-11-24T11:00:00", "timeZone": "UTC"}, "id": "forged",
    })
    assert patched.status_code == 200
    body = patched.json()
    assert body["id"] == created["id"] and body["iCalUId"] == created["iCalUId"]
    assert body["subject"] == "After" and body["categories"] == ["Acme - billable"]
    assert body["end"]["dateTime"] == "2026-11-24T11:00:00.0000000"
    assert body["changeKey"] != created["changeKey"] and body["@odata.etag"] != created["@odata.etag"]
    assert body["lastModifiedDateTime"] >= created["lastModifiedDateTime"]
    assert body["createdDateTime"] == created["createdDateTime"]


def test_patch_upserts_extended_properties(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    other = KEY.replace("SourceKey", "Hash")
    props = [{"id": KEY, "value": "k"}, {"id": other, "value": "h1"}]
    body = event("E", "2026-11-24T09:00:00", "2026-11-24T10:00:00", singleValueExtendedProperties=props)
    created = graph.post(f"/users/{UPN}/events", body).json()
    patch = {"singleValueExtendedProperties": [{"id": other, "value": "h2"}]}
    graph.patch(f"/users/{UPN}/events/{created['id']}", patch)
    [stored] = graph_sim.events(UPN)
    assert stored["singleValueExtendedProperties"] == [{"id": KEY, "value": "k"}, {"id": other, "value": "h2"}]


def test_delete_event(graph: Graph, adele: str) -> None:
    created = graph.post(f"/users/{UPN}/events", event("Gone", "2026-11-24T09:00:00", "2026-11-24T10:00:00")).json()
    assert graph.delete(f"/users/{UPN}/events/{created['id']}").status_code == 204
    assert graph.get(f"/users/{UPN}/events/{created['id']}").status_code == 404
    assert graph.delete(f"/users/{UPN}/events/{created['id']}").status_code == 404


def test_transaction_id_deduplicates_client_retries(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    body = event("Once", "2026-11-24T09:00:00", "2026-11-24T10:00:00", transactionId="tx-1")
    first = graph.post(f"/users/{UPN}/events", body).json()
    second = graph.post(f"/users/{UPN}/events", body).json()
    assert first["id"] == second["id"]
    assert len(graph_sim.events(UPN)) == 1


def test_python_api_keeps_seed_fields_and_updates(graph_sim: GraphSimulator, adele: str) -> None:
    organizer = {"emailAddress": {"name": "Megan Bowen", "address": "megan@contoso.com"}}
    stored = graph_sim.add_event(UPN, event("Invited", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                                            organizer=organizer, isOrganizer=False))
    assert stored["organizer"] == organizer and stored["isOrganizer"] is False
    assert {"id", "iCalUId", "changeKey", "@odata.etag", "createdDateTime", "lastModifiedDateTime"} <= set(stored)
    updated = graph_sim.update_event(adele, stored["id"], {"subject": "Renamed"})
    assert updated["subject"] == "Renamed" and updated["changeKey"] != stored["changeKey"]
    graph_sim.delete_event(UPN, stored["id"])
    assert graph_sim.events(UPN) == []


def test_prefer_text_body(graph: Graph, adele: str) -> None:
    body = event("Html", "2026-11-24T09:00:00", "2026-11-24T10:00:00",
                 body={"contentType": "html", "content": "<html><body><p>Hello &amp; bye</p></body></html>"})
    created = graph.post(f"/users/{UPN}/events", body).json()
    assert created["bodyPreview"] == "Hello & bye"
    text = graph.get(f"/users/{UPN}/events/{created['id']}", headers={"Prefer": 'outlook.body-content-type="text"'})
    assert text.json()["body"] == {"contentType": "text", "content": "Hello & bye"}
