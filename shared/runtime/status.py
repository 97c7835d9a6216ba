"""The status of an orchestration instance, shaped like the Durable HTTP API's instance status."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

RuntimeStatus = Literal["Pending", "Running", "Completed", "Failed", "Terminated"]

FINISHED: frozenset[str] = frozenset({"Completed", "Failed", "Terminated"})


def _api_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class InstanceStatus(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    instance_id: str
    runtime_status: RuntimeStatus
    input: Any = None
    custom_status: Any = None
    output: Any = None
    created_time: datetime
    last_updated_time: datetime
    parent_instance_id: str | None = None
    history: list[dict[str, Any]] | None = None

    @field_validator("created_time", "last_updated_time")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("status times must be timezone-aware")
        return value.astimezone(UTC)

    @property
    def is_finished(self) -> bool:
        return self.runtime_status in FINISHED

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "instanceId": self.instance_id,
            "runtimeStatus": self.runtime_status,
            "input": self.input,
            "customStatus": self.custom_status,
            "output": self.output,
            "createdTime": _api_time(self.created_time),
            "lastUpdatedTime": _api_time(self.last_updated_time),
        }
        if self.history is not None:
            body["historyEvents"] = self.history
        return body
