"""Archive copy writes as $batch items: creates carry a deterministic transactionId, updates are PATCHes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.graph.batching import BatchRequest, BatchResponse
from shared.graph.paths import segment

# Fixed namespace: the same source key must always give the same transactionId, across processes and releases.
_TRANSACTION_NAMESPACE = uuid.UUID("6f0b5a0e-9a43-4b8e-8d1c-2f3f7b9a1c55")


class EventWriteRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(min_length=1, description="stable source key of the copy")
    copy_id: str | None = Field(default=None, description="existing copy to PATCH; None creates one")
    payload: dict[str, Any]


class EventWriteResult(BaseModel):
    key: str
    ok: bool
    event_id: str | None = None
    status: int
    error: str | None = None
    attempts: int = 1


def transaction_id_for(key: str) -> str:
    """Graph drops a second create with the same transactionId (a retried POST whose answer was lost)."""
    return str(uuid.uuid5(_TRANSACTION_NAMESPACE, key))


def write_batch_items(user: str, calendar_id: str, writes: Sequence[EventWriteRequest]) -> list[BatchRequest]:
    """One $batch item per write; item ids are positions because keys may be long or repeat across calls."""
    items: list[BatchRequest] = []
    for index, write in enumerate(writes):
        if write.copy_id is None:
            body = {**write.payload}
            body.setdefault("transactionId", transaction_id_for(write.key))
            url = f"/users/{segment(user)}/calendars/{segment(calendar_id)}/events"
            items.append(BatchRequest(id=str(index + 1), method="POST", url=url, body=body))
        else:
            url = f"/users/{segment(user)}/events/{segment(write.copy_id)}"
            items.append(BatchRequest(id=str(index + 1), method="PATCH", url=url, body=dict(write.payload)))
    return items


def write_results(writes: Sequence[EventWriteRequest], responses: Sequence[BatchResponse]) -> list[EventWriteResult]:
    by_id = {response.id: response for response in responses}
    results: list[EventWriteResult] = []
    for index, write in enumerate(writes):
        response = by_id[str(index + 1)]
        event_id: str | None = None
        if response.ok:
            returned = response.body.get("id") if isinstance(response.body, dict) else None
            event_id = str(returned) if returned else write.copy_id
        results.append(
            EventWriteResult(
                key=write.key,
                ok=response.ok,
                event_id=event_id,
                status=response.status,
                error=response.describe_error(),
                attempts=response.attempts,
            )
        )
    return results
