"""Starting an archive orchestration once: a second start of a running instance id is refused, never a duplicate.

host.json sets `overridableExistingInstanceStates` to `NonRunningStates`, so the Durable extension itself refuses
(atomically, unlike a status check followed by a start) to replace a Pending, Running or Suspended instance: its
HTTP API answers 409 (older extension versions: 500 with an InvalidOperationException). The Python client turns
every such answer into a bare `Exception`, so whether a failed start was that refusal is asked of the instance.
"""

from __future__ import annotations

from typing import Any, Protocol

import azure.durable_functions as df

from shared.archive.contracts import ArchiveRequest
from shared.orchestrators.archive import ARCHIVE_ORCHESTRATOR

RUNNING = frozenset({
    df.OrchestrationRuntimeStatus.Pending,
    df.OrchestrationRuntimeStatus.Running,
    df.OrchestrationRuntimeStatus.ContinuedAsNew,
    df.OrchestrationRuntimeStatus.Suspended,
})



class StartingClient(Protocol):
    """The part of `df.DurableOrchestrationClient` a start needs."""

    async def start_new(
        self, orchestration_function_name: str, instance_id: str | None = None, client_input: Any | None = None
    ) -> str: ...

    async def get_status(self, instance_id: str) -> Any: ...


async def is_running(client: StartingClient, instance_id: str) -> bool:
    status = await client.get_status(instance_id)
    return bool(status) and status.runtime_status in RUNNING


async def start_archive(client: StartingClient, instance_id: str, request: ArchiveRequest) -> bool:
    """Start the archive under `instance_id`; False when an instance with that id is running already."""
    try:
        await client.start_new(ARCHIVE_ORCHESTRATOR, instance_id, request.model_dump(mode="json"))
    except Exception:
        if await is_running(client, instance_id):
            return False
        raise
    return True
