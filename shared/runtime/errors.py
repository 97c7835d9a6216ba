"""Errors of the in-process Durable engine (the local host maps them to HTTP statuses)."""

from __future__ import annotations

from typing import ClassVar


class _InstanceInState(RuntimeError):
    _MESSAGE: ClassVar[str]  # formatted with the instance id and its runtime status

    def __init__(self, instance_id: str, runtime_status: str) -> None:
        super().__init__(self._MESSAGE.format(instance_id=instance_id, runtime_status=runtime_status))
        self.instance_id = instance_id
        self.runtime_status = runtime_status


class InstanceAlreadyExists(_InstanceInState):
    """An instance with this id is still Pending or Running; Durable refuses to start a second one."""

    _MESSAGE = "An orchestration instance with id '{instance_id}' is already {runtime_status}"


class InstanceNotFound(LookupError):
    def __init__(self, instance_id: str) -> None:
        super().__init__(f"No orchestration instance with id '{instance_id}'")
        self.instance_id = instance_id


class InstanceNotRunning(_InstanceInState):
    """The instance already finished (Completed, Failed or Terminated): it takes no events any more."""

    _MESSAGE = "Orchestration instance '{instance_id}' is {runtime_status} and no longer running"


class OrchestratorNotFound(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"No orchestrator function named '{name}' (registered: {', '.join(known) or 'none'})")
        self.name = name


class NonDeterminismError(RuntimeError):
    """On replay the orchestrator scheduled something other than what its history records."""
