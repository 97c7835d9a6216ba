"""Change-notification subscriptions: validation handshake, renewals, and delivery of notifications."""

from __future__ import annotations

import copy
import re
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

import requests

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.store import Store
from devtools.graph_simulator.timefmt import format_instant, parse_instant, utcnow

CHANGE_TYPES = {"created", "updated", "deleted"}
LIFECYCLE_EVENTS = {"reauthorizationRequired", "subscriptionRemoved", "missed"}
RESOURCE = re.compile(r"^/?users/([^/]+)/(events|calendar/events|calendars/[^/]+/events)$", re.I)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# The shape of Graph's validation tokens: spaces and colons make clients prove they URL-decode.
VALIDATION_TOKEN = "Validation: Testing client application reachability for subscription Request-Id: {}"


class NotificationDeliveryError(RuntimeError):
    """The webhook could not be reached or did not answer in time."""


def _invalid(message: str) -> GraphError:
    return GraphError(400, "InvalidRequest", message)


class Subscriptions:
    def __init__(
        self,
        store: Store,
        *,
        tenant_id: str,
        application_id: str,
        max_minutes: int = 10_080,
        validation_timeout: float = 10.0,
        delivery_timeout: float = 10.0,
    ) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._items: dict[str, dict[str, Any]] = {}
        self._owners: dict[str, str] = {}
        self.tenant_id = tenant_id
        self.application_id = application_id
        self.max_minutes = max_minutes
        self.validation_timeout = validation_timeout
        self.delivery_timeout = delivery_timeout

    # --- validation --------------------------------------------------------------------------------------
    def _check_url(self, url: Any, field: str) -> str:
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or not parsed.hostname:
            raise _invalid(f"The {field} is not a valid URL.")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS):
            raise _invalid(f"The {field} must be an https URL.")
        return str(url)

    def _check_expiration(self, value: Any) -> str:
        if not isinstance(value, str):
            raise _invalid("expirationDateTime is required.")
        expires = parse_instant(value)
        now = utcnow()
        if expires <= now:
            raise _invalid("Subscription expiration must be in the future.")
        if expires > now + timedelta(minutes=self.max_minutes):
            raise _invalid(f"Subscription expiration can only be {self.max_minutes} minutes in the future.")
        return format_instant(expires)

    def _handshake(self, url: str) -> None:
        token = VALIDATION_TOKEN.format(identifiers.new_guid())
        try:
            with requests.Session() as session:
                session.trust_env = False
                answer = session.post(
                    url, params={"validationToken": token}, headers={"Content-Type": "text/plain; charset=utf-8"},
                    timeout=self.validation_timeout,
                )
        except requests.RequestException:
            answer = None
        if (
            answer is None
            or answer.status_code != 200
            or answer.text != token
            or not answer.headers.get("Content-Type", "").lower().startswith("text/plain")
        ):
            raise GraphError(
                400, "ValidationError", "Subscription validation request failed. Notification endpoint must "
                "respond with 200 OK to validation request.",
            )

    # --- API ---------------------------------------------------------------------------------------------
    def create(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _invalid("The subscription must be a JSON object.")
        changes = [c.strip() for c in str(body.get("changeType") or "").split(",") if c.strip()]
        if not changes or any(c not in CHANGE_TYPES for c in changes):
            raise _invalid("changeType must be a comma-separated list of created, updated and deleted.")
        notification_url = self._check_url(body.get("notificationUrl"), "notificationUrl")
        lifecycle_url = body.get("lifecycleNotificationUrl")
        if lifecycle_url is not None:
            lifecycle_url = self._check_url(lifecycle_url, "lifecycleNotificationUrl")
        match = RESOURCE.match(str(body.get("resource") or ""))
        if not match:
            raise _invalid("The resource must be users/{id}/events.")
        owner = self._store.mailbox(match.group(1))
        expires = self._check_expiration(body.get("expirationDateTime"))
        client_state = body.get("clientState")
        if client_state is not None and (not isinstance(client_state, str) or len(client_state) > 128):
            raise _invalid("clientState must be a string of at most 128 characters.")
        self._handshake(notification_url)
        if lifecycle_url:
            self._handshake(lifecycle_url)
        subscription = {
            "id": identifiers.new_guid(),
            "resource": body["resource"],
            "applicationId": self.application_id,
            "changeType": ",".join(changes),
            "clientState": client_state,
            "notificationUrl": notification_url,
            "notificationQueryOptions": None,
            "notificationContentType": None,
            "lifecycleNotificationUrl": lifecycle_url,
            "expirationDateTime": expires,
            "creatorId": identifiers.new_guid(),
            "includeResourceData": body.get("includeResourceData"),
            "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion") or "v1_2",
            "encryptionCertificate": None,
            "encryptionCertificateId": None,
            "notificationUrlAppId": None,
        }
        with self._lock:
            self._items[subscription["id"]] = subscription
            self._owners[subscription["id"]] = owner.id
        return copy.deepcopy(subscription)

    def _purge_expired(self) -> None:
        now = utcnow()
        for sid in [s for s, sub in self._items.items() if parse_instant(sub["expirationDateTime"]) <= now]:
            del self._items[sid]
            self._owners.pop(sid, None)

    def _get(self, subscription_id: str) -> dict[str, Any]:
        self._purge_expired()
        found = self._items.get(subscription_id)
        if found is None:
            raise GraphError(404, "ResourceNotFound", f"The object '{subscription_id}' doesn't exist.")
        return found

    def get(self, subscription_id: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._get(subscription_id))

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            self._purge_expired()
            return copy.deepcopy(list(self._items.values()))

    def renew(self, subscription_id: str, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _invalid("The update must be a JSON object.")
        if "lifecycleNotificationUrl" in body:
            raise _invalid("A lifecycleNotificationUrl cannot be added to or changed on an existing subscription.")
        self.get(subscription_id)
        expires = self._check_expiration(body.get("expirationDateTime")) if "expirationDateTime" in body else None
        url = self._check_url(body["notificationUrl"], "notificationUrl") if "notificationUrl" in body else None
        if url:
            self._handshake(url)
        with self._lock:
            subscription = self._get(subscription_id)
            if expires:
                subscription["expirationDateTime"] = expires
            if url:
                subscription["notificationUrl"] = url
            return copy.deepcopy(subscription)

    def reauthorize(self, subscription_id: str) -> None:
        self.get(subscription_id)

    def delete(self, subscription_id: str) -> None:
        with self._lock:
            self._get(subscription_id)
            del self._items[subscription_id]
            self._owners.pop(subscription_id, None)

    # --- deliveries --------------------------------------------------------------------------------------
    def _post(self, url: str, payload: dict[str, Any]) -> int:
        try:
            with requests.Session() as session:
                session.trust_env = False
                return session.post(url, json=payload, timeout=self.delivery_timeout).status_code
        except requests.RequestException as exc:
            raise NotificationDeliveryError(f"delivery to {url} failed: {type(exc).__name__}") from None

    def send_notifications(self, subscription_id: str, changes: list[tuple[str, str]]) -> int:
        with self._lock:
            subscription = copy.deepcopy(self._get(subscription_id))
            owner = self._owners[subscription_id]
        items = []
        for change_type, event_id in changes:
            try:
                tag = str(self._store.get_event(owner, event_id).get("@odata.etag"))
            except GraphError:  # deleted items have no current version
                tag = identifiers.etag(identifiers.new_change_key())
            resource = f"Users/{owner}/Events/{event_id}"
            items.append({
                "subscriptionId": subscription_id,
                "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                "changeType": change_type,
                "resource": resource,
                "resourceData": {
                    "@odata.type": "#Microsoft.Graph.Event",
                    "@odata.id": resource,
                    "@odata.etag": tag,
                    "id": event_id,
                },
                "clientState": subscription["clientState"],
                "tenantId": self.tenant_id,
            })
        return self._post(subscription["notificationUrl"], {"value": items})

    def send_lifecycle(self, subscription_id: str, lifecycle_event: str) -> int:
        if lifecycle_event not in LIFECYCLE_EVENTS:
            raise ValueError(f"unknown lifecycle event {lifecycle_event!r}")
        with self._lock:
            subscription = copy.deepcopy(self._get(subscription_id))
            if not subscription["lifecycleNotificationUrl"]:
                raise ValueError("the subscription has no lifecycleNotificationUrl")
            if lifecycle_event == "subscriptionRemoved":
                del self._items[subscription_id]
                self._owners.pop(subscription_id, None)
        payload = {"value": [{
            "subscriptionId": subscription_id,
            "subscriptionExpirationDateTime": subscription["expirationDateTime"],
            "tenantId": self.tenant_id,
            "clientState": subscription["clientState"],
            "lifecycleEvent": lifecycle_event,
        }]}
        return self._post(subscription["lifecycleNotificationUrl"], payload)

    def remove(self, subscription_id: str) -> None:
        self.delete(subscription_id)
