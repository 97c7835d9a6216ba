from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from devtools.graph_simulator import GraphSimulator, NotificationDeliveryError
from tests.simulator.conftest import UPN, Graph, Webhook, event


def in_minutes(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def subscription(webhook: Webhook, user: str, **extra: Any) -> dict[str, Any]:
    return {
        "changeType": "created,updated,deleted",
        "notificationUrl": f"{webhook.url}/api/graph/notifications",
        "lifecycleNotificationUrl": f"{webhook.url}/api/graph/lifecycle",
        "resource": f"users/{user}/events",
        "expirationDateTime": in_minutes(4000),
        "clientState": "s3cret-state",
        **extra,
    }


def test_create_does_the_validation_handshake(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook,
                                              adele: str) -> None:
    created = graph.post("/subscriptions", subscription(webhook, adele))
    assert created.status_code == 201, created.text
    body = created.json()
    # Both URLs were validated with Graph's token, which the endpoint received URL-decoded.
    assert len(webhook.validations) == 2
    assert all(t.startswith("Validation: Testing client application reachability") for t in webhook.validations)
    assert body["id"] and body["applicationId"] and body["creatorId"]
    assert body["resource"] == f"users/{adele}/events"
    assert body["changeType"] == "created,updated,deleted"
    assert body["clientState"] == "s3cret-state"
    assert body["expirationDateTime"].endswith("Z") and len(body["expirationDateTime"]) == 28
    assert body["latestSupportedTlsVersion"] == "v1_2" and body["notificationQueryOptions"] is None
    assert [s["id"] for s in graph_sim.subscriptions()] == [body["id"]]


def test_endpoint_that_does_not_echo_the_token_is_refused(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook,
                                                          adele: str) -> None:
    webhook.echo_token = False
    refused = graph.post("/subscriptions", subscription(webhook, adele))
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "ValidationError"
    assert graph_sim.subscriptions() == []


def test_echo_must_be_text_plain(graph: Graph, webhook: Webhook, adele: str) -> None:
    webhook.content_type = "application/json"
    assert graph.post("/subscriptions", subscription(webhook, adele)).status_code == 400


def test_unreachable_endpoint_is_refused(graph: Graph, webhook: Webhook, adele: str) -> None:
    body = subscription(webhook, adele, notificationUrl="http://127.0.0.1:9/none", lifecycleNotificationUrl=None)
    assert graph.post("/subscriptions", body).json()["error"]["code"] == "ValidationError"


@pytest.mark.parametrize(
    "change",
    [
        {"changeType": "moved"},
        {"notificationUrl": "http://example.com/hook"},
        {"resource": "users/someone/messages"},
        {"expirationDateTime": -5},
        {"expirationDateTime": 10_081},
        {"clientState": "x" * 129},
    ],
)
def test_invalid_subscriptions_are_400(graph: Graph, webhook: Webhook, adele: str, change: dict[str, Any]) -> None:
    # Expirations are minutes from now, turned into a time only when sent: parametrize runs at collection.
    if "expirationDateTime" in change:
        change = {"expirationDateTime": in_minutes(change["expirationDateTime"])}
    response = graph.post("/subscriptions", subscription(webhook, adele, **change))
    assert response.status_code == 400
    assert webhook.validations == []


def test_resource_may_name_the_user_by_upn_with_leading_slash(graph: Graph, webhook: Webhook, adele: str) -> None:
    body = subscription(webhook, adele, resource=f"/users/{UPN}/events")
    assert graph.post("/subscriptions", body).status_code == 201


def test_renew_reauthorize_get_delete(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook, adele: str) -> None:
    created = graph.post("/subscriptions", subscription(webhook, adele)).json()
    path = f"/subscriptions/{created['id']}"
    renewed = graph.patch(path, {"expirationDateTime": in_minutes(9000)})
    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"] > created["expirationDateTime"]
    assert graph.patch(path, {"expirationDateTime": in_minutes(20_000)}).status_code == 400
    assert graph.patch(path, {"lifecycleNotificationUrl": f"{webhook.url}/x"}).status_code == 400
    assert graph.post(f"{path}/reauthorize").status_code in (200, 204)
    assert graph.get(path).json()["id"] == created["id"]
    assert [s["id"] for s in graph.get("/subscriptions").json()["value"]] == [created["id"]]
    assert graph.delete(path).status_code == 204
    for response in (graph.get(path), graph.delete(path), graph.patch(path, {"expirationDateTime": in_minutes(60)}),
                     graph.post(f"{path}/reauthorize")):
        assert response.status_code == 404
    assert graph_sim.subscriptions() == []


def test_notifications_have_the_documented_shape(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook,
                                                 adele: str) -> None:
    sub = graph.post("/subscriptions", subscription(webhook, UPN)).json()
    stored = graph_sim.add_event(UPN, event("New", "2026-11-24T09:00:00", "2026-11-24T10:00:00"))
    status = graph_sim.send_notifications(sub["id"], [("created", stored["id"]), ("deleted", "AAMkAgone")])
    assert status == 202
    [delivery] = webhook.received
    assert delivery["path"] == "/api/graph/notifications"
    first, second = delivery["body"]["value"]
    assert first == {
        "subscriptionId": sub["id"],
        "subscriptionExpirationDateTime": sub["expirationDateTime"],
        "changeType": "created",
        "resource": f"Users/{adele}/Events/{stored['id']}",
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Event",
            "@odata.id": f"Users/{adele}/Events/{stored['id']}",
            "@odata.etag": stored["@odata.etag"],
            "id": stored["id"],
        },
        "clientState": "s3cret-state",
        "tenantId": graph_sim.tenant_id,
    }
    assert second["changeType"] == "deleted" and second["resourceData"]["@odata.etag"].startswith('W/"')


def test_webhook_status_is_returned(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook, adele: str) -> None:
    sub = graph.post("/subscriptions", subscription(webhook, adele)).json()
    webhook.status = 500
    assert graph_sim.send_notifications(sub["id"], [("updated", "AAMkAx")]) == 500


@pytest.mark.parametrize("lifecycle_event", ["reauthorizationRequired", "missed", "subscriptionRemoved"])
def test_lifecycle_notifications(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook, adele: str,
                                 lifecycle_event: str) -> None:
    sub = graph.post("/subscriptions", subscription(webhook, adele)).json()
    assert graph_sim.send_lifecycle(sub["id"], lifecycle_event) == 202
    [delivery] = webhook.received
    assert delivery["path"] == "/api/graph/lifecycle"
    assert delivery["body"] == {"value": [{
        "subscriptionId": sub["id"],
        "subscriptionExpirationDateTime": sub["expirationDateTime"],
        "tenantId": graph_sim.tenant_id,
        "clientState": "s3cret-state",
        "lifecycleEvent": lifecycle_event,
    }]}
    still_there = lifecycle_event != "subscriptionRemoved"
    assert (graph.get(f"/subscriptions/{sub['id']}").status_code == 200) is still_there


def test_remove_subscription_as_graph_would(graph_sim: GraphSimulator, graph: Graph, webhook: Webhook,
                                            adele: str) -> None:
    sub = graph.post("/subscriptions", subscription(webhook, adele)).json()
    graph_sim.remove_subscription(sub["id"])
    assert graph.get(f"/subscriptions/{sub['id']}").status_code == 404


def test_notification_url_can_be_changed_with_a_new_handshake(graph: Graph, webhook: Webhook, adele: str) -> None:
    sub = graph.post("/subscriptions", subscription(webhook, adele)).json()
    moved = graph.patch(f"/subscriptions/{sub['id']}", {"notificationUrl": f"{webhook.url}/moved"})
    assert moved.status_code == 200 and moved.json()["notificationUrl"].endswith("/moved")
    assert len(webhook.validations) == 3


def test_unknown_subscription_cannot_be_notified(graph_sim: GraphSimulator) -> None:
    with pytest.raises(Exception, match="doesn't exist"):
        graph_sim.send_notifications("no-such-id", [("updated", "x")])


def test_slow_webhook_raises_delivery_error(webhook: Webhook) -> None:
    with GraphSimulator(delivery_timeout=0.2) as sim:
        user = sim.add_user(UPN)
        with requests.Session() as session:
            session.headers["Authorization"] = "Bearer test-token"
            sub = Graph(sim.base_url, session).post("/subscriptions", subscription(webhook, user)).json()
        webhook.delay = 0.6
        with pytest.raises(NotificationDeliveryError):
            sim.send_notifications(sub["id"], [("updated", "AAMkAx")])
