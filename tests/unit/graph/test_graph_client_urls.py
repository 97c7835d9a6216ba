from __future__ import annotations

import inspect

import pytest
import requests

from shared.graph.auth import StaticTokenProvider
from shared.graph.calendars import CalendarService
from shared.graph.client import GraphClient
from shared.graph.protocols import CalendarGateway, SubscriptionGateway
from shared.graph.subscriptions import SubscriptionService


def _client() -> GraphClient:
    return GraphClient("https://graph.microsoft.com/v1.0/", StaticTokenProvider("t"))


def test_paths_are_joined_to_the_base_and_queries_encoded_with_percent_twenty() -> None:
    client = _client()
    url = client._absolute("users/a@x.com/events", {"$filter": "subject eq 'a b'", "$top": 5, "flag": True})
    assert url == ("https://graph.microsoft.com/v1.0/users/a@x.com/events"
                   "?$filter=subject%20eq%20'a%20b'&$top=5&flag=true")
    assert client._display(url) == "/users/a@x.com/events"


def test_next_links_are_used_as_is_but_only_on_the_graph_host() -> None:
    client = _client()
    link = "https://graph.microsoft.com/v1.0/users/a/calendarView?$skiptoken=abc"
    assert client._absolute(link, None) == link
    with pytest.raises(ValueError, match="refusing"):
        client.request("GET", "https://evil.example/v1.0/users/a", mailbox=None)


def _gateways(client: GraphClient) -> tuple[CalendarGateway, SubscriptionGateway]:
    # Never called: mypy (make lint runs it over tests/) fails here if an adapter stops satisfying its protocol.
    return CalendarService(client), SubscriptionService(client)


@pytest.mark.parametrize(("protocol", "adapter"), [(CalendarGateway, CalendarService),
                                                   (SubscriptionGateway, SubscriptionService)])
def test_the_real_services_answer_every_call_of_the_gateway_protocols(protocol: type, adapter: type) -> None:
    calls = [name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")]
    assert calls
    for name in calls:
        wanted = list(inspect.signature(getattr(protocol, name)).parameters)
        offered = list(inspect.signature(getattr(adapter, name)).parameters)
        assert offered[: len(wanted)] == wanted, f"{adapter.__name__}.{name}{offered} does not take {wanted}"


class _FlakySession:
    """Drops the connection in the middle of the first answer's body, then answers normally."""

    def __init__(self) -> None:
        self.calls = 0

    def request(self, method: str, url: str, **kwargs: object) -> requests.Response:
        self.calls += 1
        if self.calls == 1:
            raise requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes read)")
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"value": []}'
        return response


def test_a_connection_dropped_mid_answer_is_retried_like_any_connection_error() -> None:
    session = _FlakySession()
    client = GraphClient("https://graph.microsoft.com/v1.0", StaticTokenProvider("t"),
                         session=session, sleep=lambda seconds: None)  # type: ignore[arg-type]

    assert client.request("GET", "/users/a/calendars", mailbox="a") == {"value": []}
    assert session.calls == 2
