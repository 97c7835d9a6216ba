"""Graph change-notification subscriptions the app holds for a mailbox."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from shared.domain.timestamps import utc_now


class SubscriptionRecord(BaseModel):
    id: str
    user: str
    job_id: str | None = None
    resource: str
    client_state: str = Field(repr=False)  # the shared secret Graph echoes back; never in logs
    expiration: AwareDatetime
    notification_url: str
    lifecycle_url: str | None = None
    created_at: AwareDatetime = Field(default_factory=utc_now)
    etag: str | None = None


