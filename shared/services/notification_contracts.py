"""What Graph posts to our webhooks, and what we put on the notification queue for the worker."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

ChangeType = Literal["created", "updated", "deleted"]
REAUTHORIZATION_REQUIRED = "reauthorizationRequired"
SUBSCRIPTION_REMOVED = "subscriptionRemoved"
MISSED = "missed"
LIFECYCLE_EVENTS = frozenset({REAUTHORIZATION_REQUIRED, SUBSCRIPTION_REMOVED, MISSED})

_EVENT_IN_RESOURCE = re.compile(r"/events/([^/]+)$", re.IGNORECASE)


# -- webhook payloads (Graph's shapes; unknown fields are allowed because Graph adds some over time) -------------------


class ResourceData(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    odata_type: str | None = Field(default=None, alias="@odata.type")
    odata_id: str | None = Field(default=None, alias="@odata.id")
    etag: str | None = Field(default=None, alias="@odata.etag", max_length=512)
    id: str | None = Field(default=None, max_length=1024)


class ChangeNotification(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    subscription_id: str = Field(alias="subscriptionId", min_length=1, max_length=128)
    client_state: str | None = Field(default=None, alias="clientState", max_length=256, repr=False)
    change_type: ChangeType = Field(alias="changeType")
    resource: str = Field(min_length=1, max_length=2048)
    resource_data: ResourceData | None = Field(default=None, alias="resourceData")
    tenant_id: str | None = Field(default=None, alias="tenantId")

    @model_validator(mode="after")
    def _names_an_event(self) -> ChangeNotification:
        if not self.event_id:
            raise ValueError("neither resourceData.id nor resource names an event")
        return self

    @property
    def event_id(self) -> str | None:
        if self.resource_data is not None and self.resource_data.id:
            return self.resource_data.id
        found = _EVENT_IN_RESOURCE.search(self.resource)
        return found.group(1) if found else None

    @property
    def etag(self) -> str | None:
        return self.resource_data.etag if self.resource_data is not None else None


class ChangeNotificationBatch(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: list[ChangeNotification]


class LifecycleNotification(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    subscription_id: str = Field(alias="subscriptionId", min_length=1, max_length=128)
    client_state: str | None = Field(default=None, alias="clientState", max_length=256, repr=False)
    # A plain string: Graph may add lifecycle events, and refusing one would only make Graph retry it.
    lifecycle_event: str = Field(alias="lifecycleEvent", min_length=1, max_length=64)
    tenant_id: str | None = Field(default=None, alias="tenantId")


class LifecycleNotificationBatch(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: list[LifecycleNotification]


# -- queue messages -------------------------------------------------------------------------------------------------


class ChangeMessage(BaseModel):
    kind: Literal["change"] = "change"
    subscription_id: str
    user: str
    job_id: str | None = None
    change_type: ChangeType
    event_id: str
    etag: str | None = None


class LifecycleMessage(BaseModel):
    kind: Literal["lifecycle"] = "lifecycle"
    subscription_id: str
    user: str
    lifecycle_event: str


class DayMessage(BaseModel):
    user: str
    job_id: str | None = None
    day: date


class ResyncDayMessage(DayMessage):
    kind: Literal["resync_day"] = "resync_day"
    reason: str


class TravelDayMessage(DayMessage):
    """Plan one day's travel again; queued with a delay so a burst of changes to the day is planned once."""

    kind: Literal["travel_day"] = "travel_day"


QueueMessage = ChangeMessage | LifecycleMessage | ResyncDayMessage | TravelDayMessage
NotificationMessage = Annotated[QueueMessage, Field(discriminator="kind")]
_MESSAGE = TypeAdapter(NotificationMessage)


def parse_message(body: str | bytes) -> QueueMessage:
    """A queue message body; raises pydantic.ValidationError when it is not one of ours."""
    return _MESSAGE.validate_json(body)


def describe_message(message: QueueMessage) -> str:
    """A short, secret-free label for logs and audit rows."""
    if isinstance(message, ChangeMessage):
        return f"{message.change_type} of event {message.event_id} for {message.user}"
    if isinstance(message, LifecycleMessage):
        return f"{message.lifecycle_event} for subscription {message.subscription_id}"
    if isinstance(message, TravelDayMessage):
        return f"travel plan of {message.day.isoformat()} for {message.user}"
    return f"resync of {message.day.isoformat()} for {message.user} ({message.reason})"
