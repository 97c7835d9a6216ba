"""GraphClient against the local Graph simulator: paging, throttling, backoff, headers, mailbox concurrency."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.graph import (
    EventWriteRequest,
    GraphClient,
    GraphConnectionError,
    GraphNotFoundError,
    GraphPermissionError,
    GraphThrottledError,
    StaticTokenProvider,
)
from shared.graph.calendars import CalendarService

TOKEN = "test-token"
DAY = datetime(2025, 4, 24, tzinfo=UTC)


def test_every_page_is_read_at_page_size_two(paged_sim: Any, client_for: Any, new_event: Any) -> None:
    upn = "paging@contoso.com"
    paged_sim.add_user(upn)
    for hour in range(7):
        paged_sim.add_event(upn, new_event(f"Meeting {hour}", DAY + timedelta(hours=8 + hour)))
    events = CalendarService(client_for(paged_sim)).read_window(upn, None, DAY, DAY + timedelta(days=1))
    assert sorted(e["subject"] for e in events) == [f"Meeting {h}" for h in range(7)]
    views = [r for r in paged_sim.requests if r.path.endswith("/calendarView")]
    assert len(views) == 4  # 2 + 2 + 2 + 1


def test_throttling_waits_for_retry_after_then_succeeds(graph_sim: Any, client_for: Any) -> None:
    upn = "throttled@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.throttle_first(1, retry_after="0.3")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        threading.Event().wait(seconds)

    body = client_for(graph_sim, sleep=sleep).request("GET", f"/users/{upn}/calendars", mailbox=upn)
    assert body is not None and body["value"]
    assert waits == [pytest.approx(0.3)]
    first, second = graph_sim.requests[-2:]
    assert (first.status, second.status) == (429, 200)
    assert second.started - first.finished >= 0.3


def test_service_unavailable_backs_off_then_succeeds(graph_sim: Any, client_for: Any) -> None:
    upn = "unavailable@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.random_errors(1.0, seed=1, statuses=(503,), retry_after="")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            graph_sim.faults.reset()  # the service recovers during the second pause

    client = client_for(graph_sim, sleep=sleep, backoff_base=0.2, backoff_max=5.0)
    assert client.request("GET", f"/users/{upn}/calendar", mailbox=upn) is not None
    assert [r.status for r in graph_sim.requests] == [503, 503, 200]
    assert 0.1 <= waits[0] <= 0.2 and 0.2 <= waits[1] <= 0.4, "exponential backoff with jitter"


def test_exhausted_attempts_raise_an_error_naming_the_request(graph_sim: Any, client_for: Any) -> None:
    upn = "always-throttled@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.throttle_first(100, retry_after="0")
    window = {"startDateTime": "2025-04-24T00:00:00Z", "endDateTime": "2025-04-25T00:00:00Z"}
    with pytest.raises(GraphThrottledError) as info:
        client_for(graph_sim, max_attempts=3).request("GET", f"/users/{upn}/calendarView", mailbox=upn,
                                                      params=window)
    message = str(info.value)
    assert message.startswith(f"Graph GET /users/{upn}/calendarView failed after 3 attempts: 429 TooManyRequests")
    assert "startDateTime" not in message, "query strings stay out of error messages"
    assert info.value.request_id and info.value.attempts == 3
    assert len(graph_sim.requests) == 3


def test_other_client_errors_are_not_retried(graph_sim: Any, client_for: Any) -> None:
    upn = "known@contoso.com"
    graph_sim.add_user(upn)
    with pytest.raises(GraphNotFoundError, match="failed: 404"):
        client_for(graph_sim).request("GET", f"/users/{upn}/events/AAMkDoesNotExist=", mailbox=upn)
    assert len(graph_sim.requests) == 1


def test_a_wrong_token_is_refused_without_retries(graph_sim: Any) -> None:
    upn = "auth@contoso.com"
    graph_sim.add_user(upn)
    client = GraphClient(graph_sim.base_url, StaticTokenProvider("wrong-token"), sleep=lambda seconds: None)
    with pytest.raises(GraphPermissionError, match="401") as info:
        client.request("GET", f"/users/{upn}/calendars", mailbox=upn)
    assert "wrong-token" not in str(info.value)
    assert len(graph_sim.requests) == 1


def test_every_request_carries_auth_prefer_and_a_client_request_id(
    graph_sim: Any, client_for: Any, new_event: Any
) -> None:
    upn = "headers@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.add_event(upn, new_event("Standup", DAY + timedelta(hours=9)))
    service = CalendarService(client_for(graph_sim))
    archive = service.resolve(upn, "Archive", create_if_missing=True)
    service.read_window(upn, None, DAY, DAY + timedelta(days=1))
    service.write_events(upn, archive.id, [EventWriteRequest(key="k1", payload=new_event("Copy", DAY))])
    records = graph_sim.requests
    assert any(r.batch_item for r in records) and any(not r.batch_item for r in records)
    for record in records:
        prefer = record.header("Prefer") or ""
        assert 'IdType="ImmutableId"' in prefer and 'outlook.timezone="UTC"' in prefer, record.path
        if not record.batch_item:
            assert record.header("Authorization") == f"Bearer {TOKEN}"
            assert record.header("client-request-id")
    ids = [r.header("client-request-id") for r in records if not r.batch_item]
    assert len(set(ids)) == len(ids)


def _overlapping_peak(records: list[Any]) -> int:
    edges = sorted([(r.started, 1) for r in records] + [(r.finished, -1) for r in records])
    now = peak = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


def _hammer(clients: list[GraphClient], mailboxes: list[str], calls: int) -> None:
    def call(i: int) -> None:
        upn = mailboxes[i % len(mailboxes)]
        clients[i % len(clients)].request("GET", f"/users/{upn}/calendars", mailbox=upn)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(call, range(calls)))


def test_eight_threads_never_exceed_four_requests_per_mailbox(graph_sim: Any, client_for: Any) -> None:
    upn = "busy@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 20
    # Two client objects: the cap is per process, not per client.
    _hammer([client_for(graph_sim), client_for(graph_sim)], [upn], 48)
    assert graph_sim.max_in_flight(upn) == 4
    assert all(r.status == 200 for r in graph_sim.requests), "no MailboxConcurrency 429s"


def test_different_mailboxes_proceed_in_parallel(graph_sim: Any, client_for: Any) -> None:
    upns = ["first@contoso.com", "second@contoso.com"]
    for upn in upns:
        graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 20
    _hammer([client_for(graph_sim)], upns, 48)
    assert all(graph_sim.max_in_flight(upn) == 4 for upn in upns)
    assert _overlapping_peak(graph_sim.requests) > 4


def test_waiting_for_a_permit_is_not_a_retry(graph_sim: Any, client_for: Any) -> None:
    upn = "queue@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 20
    _hammer([client_for(graph_sim, max_attempts=1, mailbox_limit=1)], [upn], 8)
    assert graph_sim.max_in_flight(upn) == 1
    assert len(graph_sim.requests) == 8 and all(r.status == 200 for r in graph_sim.requests)


def test_an_absolute_next_link_is_followed_as_is(graph_sim: Any, client_for: Any) -> None:
    upn = "nextlink@contoso.com"
    graph_sim.add_user(upn)
    for i in range(3):
        graph_sim.add_calendar(upn, f"Extra {i}")
    client = client_for(graph_sim)
    first = client.request("GET", f"/users/{upn}/calendars", mailbox=upn, params={"$top": 2})
    assert first is not None and first["@odata.nextLink"].startswith(graph_sim.base_url)
    names = [c["name"] for c in client.iter_pages(f"/users/{upn}/calendars", mailbox=upn, params={"$top": 2})]
    assert sorted(names) == ["Calendar", "Extra 0", "Extra 1", "Extra 2"]
    assert len([r for r in graph_sim.requests if r.path.endswith("/calendars")]) == 3


def test_a_slow_answer_times_out_and_is_retried_then_named(graph_sim: Any, client_for: Any) -> None:
    upn = "slow@contoso.com"
    graph_sim.add_user(upn)
    graph_sim.faults.latency_ms = 1000

    with pytest.raises(GraphConnectionError) as info:
        client_for(graph_sim, timeout=0.1, max_attempts=2).request("GET", f"/users/{upn}/calendars", mailbox=upn)

    assert "GET" in str(info.value) and f"/users/{upn}/calendars" in str(info.value)
    assert "Timeout" in str(info.value)
    assert info.value.attempts == 2


def test_a_refused_connection_is_retried_then_named(client_for: Any) -> None:
    with socket.socket() as closed:  # a port nobody listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    nowhere = type("Nowhere", (), {"base_url": f"http://127.0.0.1:{port}/v1.0"})()

    with pytest.raises(GraphConnectionError) as info:
        client_for(nowhere, max_attempts=3).request("GET", "/users/a@contoso.com/calendars", mailbox="a@contoso.com")

    assert "ConnectionError" in str(info.value) and info.value.attempts == 3
