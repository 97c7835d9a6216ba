"""The part of `host.json` the local runtime honours, so local runs use the values Azure uses.

`host.json` sits at the app root next to `function_app.py`, in a checkout and in the deployed package alike, so
modules outside the runtime (the notification worker) may read it too. Absent keys take the Functions defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

APP_ROOT = Path(__file__).resolve().parents[2]
HOST_JSON = APP_ROOT / "host.json"


class _Section(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class DurableTaskSettings(_Section):
    hub_name: str = Field(default="TestHubName", alias="hubName")
    max_concurrent_activity_functions: int = Field(default=10, ge=1, alias="maxConcurrentActivityFunctions")


class HttpSettings(_Section):
    route_prefix: str = Field(default="api", alias="routePrefix")


class QueueSettings(_Section):
    max_dequeue_count: int = Field(default=5, ge=1, alias="maxDequeueCount")
    batch_size: int = Field(default=16, ge=1, le=32, alias="batchSize")


class Extensions(_Section):
    durable_task: DurableTaskSettings = Field(default_factory=DurableTaskSettings, alias="durableTask")
    http: HttpSettings = Field(default_factory=HttpSettings)
    queues: QueueSettings = Field(default_factory=QueueSettings)


class HostSettings(_Section):
    extensions: Extensions = Field(default_factory=Extensions)


def read_host_settings(path: Path = HOST_JSON) -> HostSettings:
    """A missing file means all defaults, as for the Functions host; a malformed one raises ValidationError."""
    if not path.exists():
        return HostSettings()
    return HostSettings.model_validate_json(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def host_settings() -> HostSettings:
    """The app's own host.json, read once per process like the host does at start-up."""
    return read_host_settings()


def max_dequeue_count() -> int:
    """After this many deliveries a failing queue message goes to the poison queue."""
    return host_settings().extensions.queues.max_dequeue_count
