"""The engine's instance table: who exists, their published status, and the listeners watching it (thread-safe)."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.runtime.clock import Clock
from shared.runtime.errors import InstanceAlreadyExists, InstanceNotFound, InstanceNotRunning
from shared.runtime.execution import Execution
from shared.runtime.history import render
from shared.runtime.status import InstanceStatus, RuntimeStatus
from shared.runtime.work import Completion

logger = logging.getLogger(__name__)

StatusListener = Callable[[InstanceStatus], None]


@dataclass(frozen=True)
class ParentLink:
    instance_id: str
    key: int
    task_id: int


@dataclass
class Instance:
    """`key` names the live execution: work for an older key (before a restart or replacement) is stale.

    `execution`, `started` and `pending` belong to the dispatcher thread; `status` is published under the lock.
    """

    key: int
    execution: Execution
    status: InstanceStatus
    parent: ParentLink | None = None
    started: bool = False
    pending: list[Completion] = field(default_factory=list)
    history_length: int = 2


class InstanceTable:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._instances: dict[str, Instance] = {}
        self._listeners: list[StatusListener] = []
        self._keys = itertools.count(1)

    def create(self, name: str, instance_id: str, input_json: str | None, input_value: Any,
               parent: ParentLink | None = None) -> Instance:
        """Register a Pending instance, replacing a finished one with the same id (Durable's default)."""
        now = self._clock.now()
        parent_id = parent.instance_id if parent else None
        with self._lock:
            existing = self._instances.get(instance_id)
            if existing is not None and not existing.status.is_finished:
                raise InstanceAlreadyExists(instance_id, existing.status.runtime_status)
            status = InstanceStatus(name=name, instance_id=instance_id, runtime_status="Pending", input=input_value,
                                    created_time=now, last_updated_time=now, parent_instance_id=parent_id)
            execution = Execution(name, instance_id, input_json, parent_id, now)
            instance = Instance(key=next(self._keys), execution=execution, status=status, parent=parent)
            self._instances[instance_id] = instance
            self._changed.notify_all()
        self._notify(status)
        return instance

    def get(self, instance_id: str) -> Instance | None:
        with self._lock:
            return self._instances.get(instance_id)

    def current(self, instance_id: str, key: int) -> Instance | None:
        """The instance while `key` is its live, unfinished execution."""
        with self._lock:
            instance = self._instances.get(instance_id)
            if instance is None or instance.key != key or instance.status.is_finished:
                return None
            return instance

    def require_running(self, instance_id: str) -> Instance:
        with self._lock:
            instance = self._instances.get(instance_id)
            if instance is None:
                raise InstanceNotFound(instance_id)
            if instance.status.is_finished:
                raise InstanceNotRunning(instance_id, instance.status.runtime_status)
            return instance

    def status(self, instance_id: str, *, show_history: bool = False) -> InstanceStatus | None:
        with self._lock:
            instance = self._instances.get(instance_id)
            if instance is None:
                return None
            if not show_history:
                return instance.status
            # Only whole episodes are shown: the dispatcher may be appending to the history right now.
            length, execution = instance.history_length, instance.execution
            events = render(execution.history[:length], min(execution.played, length))
            return instance.status.model_copy(update={"history": events})

    def statuses(self) -> list[InstanceStatus]:
        with self._lock:
            return [instance.status for instance in self._instances.values()]

    def wait_finished(self, instance_id: str, timeout: float | None) -> InstanceStatus:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while True:
                instance = self._instances.get(instance_id)
                if instance is None:
                    raise InstanceNotFound(instance_id)
                if instance.status.is_finished:
                    return instance.status
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"Orchestration instance '{instance_id}' did not finish within {timeout} s "
                                       f"(runtime status {instance.status.runtime_status})")
                self._changed.wait(remaining)

    def publish(self, instance: Instance, key: int, runtime_status: RuntimeStatus,
                **changes: Any) -> InstanceStatus | None:
        """Set the status of a live execution; None when it was terminated or replaced meanwhile."""
        with self._lock:
            if self._instances.get(instance.status.instance_id) is not instance or instance.key != key \
                    or instance.status.is_finished:
                return None
            before = instance.status
            instance.history_length = len(instance.execution.history)
            instance.status = before.model_copy(update={
                "runtime_status": runtime_status, "last_updated_time": self._clock.now(), **changes})
            self._changed.notify_all()
            after = instance.status
        if (before.runtime_status, before.custom_status) != (after.runtime_status, after.custom_status):
            self._notify(after)
        return after

    def restart(self, instance: Instance, key: int, execution: Execution, input_value: Any,
                custom_status: Any) -> None:
        """Continue-as-new: same instance id, fresh history, a new key so old work goes stale."""
        with self._lock:
            if self._instances.get(instance.status.instance_id) is not instance or instance.key != key \
                    or instance.status.is_finished:
                return
            instance.execution, instance.key = execution, next(self._keys)
            instance.started, instance.pending, instance.history_length = False, [], len(execution.history)
        self.publish(instance, instance.key, "Running", input=input_value, custom_status=custom_status)

    def terminate(self, instance_id: str, reason: str) -> Instance:
        with self._lock:
            instance = self.require_running(instance_id)
            instance.status = instance.status.model_copy(update={
                "runtime_status": "Terminated", "output": reason, "last_updated_time": self._clock.now()})
            self._changed.notify_all()
            status = instance.status
        self._notify(status)
        return instance

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, status: InstanceStatus) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(status)
            except Exception:
                logger.exception("status listener failed for instance %s", status.instance_id)
