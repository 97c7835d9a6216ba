from __future__ import annotations

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN, Graph


def _assert_graph_error(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}
    assert response.headers["request-id"] == error["innerError"]["request-id"]


def test_missing_token_is_401_invalid_authentication_token(graph_sim: GraphSimulator, adele: str) -> None:
    response = requests.get(f"{graph_sim.base_url}/users/{UPN}/calendars")
    _assert_graph_error(response, 401, "InvalidAuthenticationToken")


def test_wrong_token_is_401(graph_sim: GraphSimulator, adele: str) -> None:
    response = requests.get(f"{graph_sim.base_url}/users/{UPN}/calendars", headers={"Authorization": "Bearer nope"})
    _assert_graph_error(response, 401, "InvalidAuthenticationToken")


def test_right_token_is_accepted_and_every_response_has_a_request_id(graph: Graph, adele: str) -> None:
    response = graph.get(f"/users/{UPN}/calendars")
    assert response.status_code == 200
    assert response.headers["request-id"]


def test_client_request_id_is_echoed(graph: Graph, adele: str) -> None:
    response = graph.get("/users/nobody@contoso.com/calendars", headers={"client-request-id": "abc-123"})
    _assert_graph_error(response, 404, "ResourceNotFound")
    assert response.json()["error"]["innerError"]["client-request-id"] == "abc-123"
    assert response.headers["client-request-id"] == "abc-123"


def test_users_are_found_by_upn_case_insensitively_or_by_id(graph: Graph, adele: str) -> None:
    by_upn = graph.get("/users/ADELE@Contoso.com").json()
    by_id = graph.get(f"/users/{adele}").json()
    assert by_upn["id"] == by_id["id"] == adele
    assert by_upn["userPrincipalName"] == UPN
    assert by_upn["displayName"] == "Adele Vance"


def test_unknown_event_is_404_item_not_found(graph: Graph, adele: str) -> None:
    _assert_graph_error(graph.get(f"/users/{UPN}/events/AAMkAnope"), 404, "ErrorItemNotFound")


def test_me_is_refused_for_app_only_calls(graph: Graph) -> None:
    _assert_graph_error(graph.get("/me/calendars"), 400, "BadRequest")


def test_unknown_segment_and_wrong_method(graph: Graph, adele: str) -> None:
    _assert_graph_error(graph.get(f"/users/{UPN}/mailFolders"), 400, "BadRequest")
    _assert_graph_error(graph.session.put(graph.url(f"/users/{UPN}/calendars"), json={}), 405, "Request_BadRequest")


def test_invalid_json_body_is_400(graph: Graph, adele: str) -> None:
    response = graph.session.post(graph.url(f"/users/{UPN}/calendars"), data=b"{not json",
                                  headers={"Content-Type": "application/json"})
    _assert_graph_error(response, 400, "BadRequest")


def test_requests_are_logged_with_mailbox_and_body(graph_sim: GraphSimulator, graph: Graph, adele: str) -> None:
    graph.post(f"/users/{adele}/calendars", {"name": "Archive"}, headers={"Prefer": 'IdType="ImmutableId"'})
    [record] = graph_sim.requests
    assert (record.method, record.path, record.status) == ("POST", f"/users/{adele}/calendars", 201)
    assert record.mailbox == UPN
    assert record.body == {"name": "Archive"}
    assert record.header("prefer") == 'IdType="ImmutableId"'
    assert record.finished >= record.started
    assert not record.batch_item
    graph_sim.clear_requests()
    assert graph_sim.requests == []


def test_stop_ends_kept_alive_connections() -> None:
    sim = GraphSimulator()
    sim.start()
    with requests.Session() as session:
        session.trust_env = False
        url = f"{sim.base_url}/users/x/calendars"
        assert session.get(url, headers={"Authorization": "Bearer test-token"}).status_code == 404
        sim.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, headers={"Authorization": "Bearer test-token"}, timeout=2)
