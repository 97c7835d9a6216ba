from __future__ import annotations

import pytest

from shared.graph.auth import StaticTokenProvider
from shared.graph.client import GraphClient


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


def test_the_real_services_satisfy_the_gateway_protocols() -> None:
    from shared.graph.calendars import CalendarService
    from shared.graph.protocols import CalendarGateway, SubscriptionGateway
    from shared.graph.subscriptions import SubscriptionService

    calendars: CalendarGateway = CalendarService(_client())
    subscriptions: SubscriptionGateway = SubscriptionService(_client())
    assert calendars and subscriptions
