"""SubscriptionService against the simulator, with a local webhook that answers the validation handshake."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.graph import GraphBadRequestError, SubscriptionService
from shared.runtime.http_serving import ServerThread, ThreadedHTTPServer

UPN = "subscriber@contoso.com"


class _Webhook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        token = parse_qs(urlsplit(self.path).query).get("validationToken", [""])[0]
        body = token.encode()
        self.send_response(200 if token else 202)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    running = ServerThread(ThreadedHTTPServer(("127.0.0.1", 0), _Webhook), "test-webhook")
    try:
        yield f"{running.start()}/api/graph"
    finally:
        running.stop()


def test_subscription_lifecycle(graph_sim: Any, client_for: Any, webhook: str) -> None:
    graph_sim.add_user(UPN)
    service = SubscriptionService(client_for(graph_sim))
    expires = datetime.now(UTC) + timedelta(days=2)
    created = service.create(f"users/{UPN}/events", f"{webhook}/notifications", f"{webhook}/lifecycle",
                             "state-123", expires)
    sub_id = created["id"]
    assert created["changeType"] == "created,updated,deleted"
    assert created["clientState"] == "state-123"
    assert created["lifecycleNotificationUrl"] == f"{webhook}/lifecycle"

    renewed = service.renew(sub_id, expires + timedelta(days=1))
    assert renewed["expirationDateTime"].startswith((expires + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    service.reauthorize(sub_id)
    fetched = service.get(sub_id)
    assert fetched is not None and fetched["id"] == sub_id
    assert [s["id"] for s in service.list()] == [sub_id]

    assert service.delete(sub_id) is True
    assert service.delete(sub_id) is False, "already gone is not an error"
    assert service.get(sub_id) is None
    assert graph_sim.subscriptions() == []
    create = next(r for r in graph_sim.requests if r.method == "POST" and r.path == "/subscriptions")
    assert 'IdType="ImmutableId"' in (create.header("Prefer") or "")
    assert create.mailbox is None


def test_graph_refusal_is_raised_with_its_reason(graph_sim: Any, client_for: Any, webhook: str) -> None:
    graph_sim.add_user(UPN)
    service = SubscriptionService(client_for(graph_sim))
    with pytest.raises(GraphBadRequestError, match="expiration"):
        service.create(f"users/{UPN}/events", f"{webhook}/n", None, "s", datetime.now(UTC) + timedelta(days=30))


def test_naive_or_oversized_inputs_are_refused_locally(graph_sim: Any, client_for: Any) -> None:
    service = SubscriptionService(client_for(graph_sim))
    with pytest.raises(ValueError, match="timezone-aware"):
        service.renew("x", datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="128"):
        service.create("users/x/events", "https://x/n", None, "s" * 129, datetime.now(UTC) + timedelta(days=1))
    assert graph_sim.requests == []
