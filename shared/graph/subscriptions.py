"""Graph change-notification subscriptions (create, renew, reauthorize, delete, read).

Subscription calls are not mailbox operations: they are not counted against any mailbox's concurrency."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.graph.client import GraphClient
from shared.graph.errors import GraphNotFoundError
from shared.graph.paths import segment

DEFAULT_CHANGE_TYPE = "created,updated,deleted"
MAX_CLIENT_STATE_LENGTH = 128


def graph_datetime(value: datetime) -> str:
    """UTC ISO 8601 with a Z, the form Graph documents for expirationDateTime."""
    if value.tzinfo is None:
        raise ValueError("subscription expiration must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SubscriptionService:
    def __init__(self, client: GraphClient) -> None:
        self._client = client

    def create(
        self,
        resource: str,
        notification_url: str,
        lifecycle_url: str | None,
        client_state: str,
        expiration: datetime,
        *,
        change_type: str = DEFAULT_CHANGE_TYPE,
    ) -> dict[str, Any]:
        """Graph validates both URLs synchronously before answering, so they must already be reachable."""
        if len(client_state) > MAX_CLIENT_STATE_LENGTH:
            raise ValueError(f"clientState is limited to {MAX_CLIENT_STATE_LENGTH} characters")
        body: dict[str, Any] = {
            "changeType": change_type,
            "notificationUrl": notification_url,
            "resource": resource,
            "expirationDateTime": graph_datetime(expiration),
            "clientState": client_state,
        }
        if lifecycle_url:
            body["lifecycleNotificationUrl"] = lifecycle_url
        return self._client.request("POST", "/subscriptions", mailbox=None, json=body) or {}

    def renew(self, subscription_id: str, expiration: datetime) -> dict[str, Any]:
        body = {"expirationDateTime": graph_datetime(expiration)}
        return self._client.request("PATCH", self._path(subscription_id), mailbox=None, json=body) or {}

    def reauthorize(self, subscription_id: str) -> None:
        self._client.request("POST", self._path(subscription_id) + "/reauthorize", mailbox=None)

    def delete(self, subscription_id: str) -> bool:
        """True when deleted now, False when it was already gone."""
        try:
            self._client.request("DELETE", self._path(subscription_id), mailbox=None)
        except GraphNotFoundError:
            return False
        return True

    def get(self, subscription_id: str) -> dict[str, Any] | None:
        try:
            return self._client.request("GET", self._path(subscription_id), mailbox=None)
        except GraphNotFoundError:
            return None

    def list(self) -> list[dict[str, Any]]:
        return list(self._client.iter_pages("/subscriptions", mailbox=None))

    @staticmethod
    def _path(subscription_id: str) -> str:
        return f"/subscriptions/{segment(subscription_id)}"
