"""An in-process Durable Functions engine: plays the host's part and lets the SDK replay orchestrators for real.

One dispatcher thread owns every history and runs the replays (`Orchestrator.handle`, as registered by the
`@orchestration_trigger` decorator); activities run in a thread pool; timers fire on an injectable clock. Work that
comes back for an execution that has since finished, been terminated or replaced carries a stale key and is dropped.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from azure.durable_functions.models.utils.df_serialization import df_dumps

from shared.runtime.clock import Clock, SystemClock
from shared.runtime.errors import (
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotRunning,
    NonDeterminismError,
    OrchestratorNotFound,
)
from shared.runtime.execution import Completed, ContinuedAsNew, Execution, Failed, Outcome, Waiting
from shared.runtime.instances import Instance, InstanceTable, ParentLink, StatusListener
from shared.runtime.registry import FunctionRegistry
from shared.runtime.status import InstanceStatus
from shared.runtime.timers import TimerKey, TimerQueue
from shared.runtime.work import (
    ActivityDone,
    ActivityFailed,
    ArmTimer,
    Completion,
    Effect,
    EventArrived,
    RunActivity,
    SubOrchestrationDone,
    SubOrchestrationFailed,
    TimerDue,
)

__all__ = ["DurableEngine", "InstanceAlreadyExists", "InstanceNotFound", "InstanceNotRunning", "InstanceStatus",
           "NonDeterminismError", "OrchestratorNotFound"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Start:
    instance_id: str
    key: int


@dataclass(frozen=True)
class _Deliver:
    instance_id: str
    key: int
    completion: Completion


_WAKE = "wake"
_STOP = "stop"
_Message = _Start | _Deliver | str


def _decode(payload: str | None) -> Any:
    return None if payload is None else json.loads(payload)


class DurableEngine:
    def __init__(self, orchestrators: Mapping[str, Any], activities: Mapping[str, Any], *, max_workers: int = 8,
                 clock: Clock | None = None) -> None:
        """`orchestrators`/`activities` map names to decorated functions, `Orchestrator.create` handles,
        orchestrator generator functions or (activities) plain callables taking the decoded input."""
        self._init(FunctionRegistry(orchestrators, activities), max_workers, clock or SystemClock())

    @classmethod
    def from_functions(cls, functions: Iterable[Any], *, max_workers: int = 8,
                       clock: Clock | None = None) -> DurableEngine:
        """Build from `app.get_functions()` (call that once per app object: a second call raises)."""
        engine = cls.__new__(cls)
        engine._init(FunctionRegistry.from_functions(functions), max_workers, clock or SystemClock())
        return engine

    def _init(self, registry: FunctionRegistry, max_workers: int, clock: Clock) -> None:
        self._registry = registry
        self._clock = clock
        self._table = InstanceTable(clock)
        self._inbox: queue.SimpleQueue[_Message] = queue.SimpleQueue()
        self._runnable: dict[str, None] = {}  # dispatcher thread only; an insertion-ordered set
        self._timers = TimerQueue()  # dispatcher thread only
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="durable-activity")
        self._closed = threading.Event()
        clock.on_advance(lambda: self._inbox.put(_WAKE))
        self._dispatcher = threading.Thread(target=self._dispatch_forever, name="durable-dispatcher", daemon=True)
        self._dispatcher.start()

    @property
    def orchestrator_names(self) -> frozenset[str]:
        return self._registry.orchestrator_names

    @property
    def activity_names(self) -> frozenset[str]:
        return self._registry.activity_names

    # ---- client API -------------------------------------------------------------------------------------------

    def start_new(self, name: str, instance_id: str | None = None, client_input: Any = None) -> str:
        """Start in the background. Raises InstanceAlreadyExists if that id is Pending/Running."""
        if self._closed.is_set():
            raise RuntimeError("the Durable engine has been shut down")
        if not self._registry.has_orchestrator(name):
            raise OrchestratorNotFound(name, sorted(self._registry.orchestrator_names))
        input_json = None if client_input is None else df_dumps(client_input)
        instance = self._table.create(name, instance_id or uuid.uuid4().hex, input_json, _decode(input_json))
        self._inbox.put(_Start(instance.status.instance_id, instance.key))
        return instance.status.instance_id

    def get_status(self, instance_id: str, *, show_history: bool = False) -> InstanceStatus | None:
        return self._table.status(instance_id, show_history=show_history)

    def instances(self) -> list[InstanceStatus]:
        return self._table.statuses()

    def wait_for_completion(self, instance_id: str, timeout: float | None = 60.0) -> InstanceStatus:
        """Block until Completed/Failed/Terminated; TimeoutError (naming the instance) after `timeout` seconds."""
        return self._table.wait_finished(instance_id, timeout)

    def run(self, name: str, client_input: Any = None, instance_id: str | None = None,
            timeout: float | None = None) -> InstanceStatus:
        return self.wait_for_completion(self.start_new(name, instance_id, client_input), timeout=timeout)

    def raise_event(self, instance_id: str, name: str, data: Any = None) -> None:
        instance = self._table.require_running(instance_id)
        payload = None if data is None else df_dumps(data)
        self._inbox.put(_Deliver(instance_id, instance.key, EventArrived(name, payload)))

    def terminate(self, instance_id: str, reason: str = "") -> None:
        parent = self._table.terminate(instance_id, reason).parent
        if parent is not None:
            failure = SubOrchestrationFailed(parent.task_id, f"Sub-orchestration '{instance_id}' was terminated: "
                                             f"{reason}", "")
            self._inbox.put(_Deliver(parent.instance_id, parent.key, failure))

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        """Call `listener(status)` on every runtime-status or custom-status change; returns an unsubscribe.

        Listeners run on the engine's threads (mostly the dispatcher): keep them quick and non-blocking.
        """
        return self._table.subscribe(listener)

    def shutdown(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._inbox.put(_STOP)
        if threading.current_thread() is not self._dispatcher:
            self._dispatcher.join(timeout=10)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> DurableEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ---- dispatcher thread ------------------------------------------------------------------------------------

    def _dispatch_forever(self) -> None:
        while True:
            messages: list[_Message | None] = [self._next_message()]
            while True:
                try:
                    messages.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            if _STOP in messages:
                return
            try:
                self._dispatch(messages)
            except Exception:
                # A bug here must not silently stop every orchestration: log it and keep serving.
                logger.exception("Durable dispatcher iteration failed")

    def _dispatch(self, messages: list[_Message | None]) -> None:
        for message in messages:
            if isinstance(message, _Deliver):
                self._accept(message.instance_id, message.key, message.completion)
            elif isinstance(message, _Start) and self._table.current(message.instance_id, message.key):
                self._runnable[message.instance_id] = None
        for timer in self._timers.pop_due(self._clock.now()):
            instance = self._table.current(timer.instance_id, timer.execution_key)
            if instance is not None and instance.execution.timer_is_live(timer.timer_id):
                self._accept(timer.instance_id, timer.execution_key, TimerDue(timer.timer_id))
        runnable, self._runnable = list(self._runnable), {}
        for instance_id in runnable:
            self._run_episode(instance_id)

    def _next_message(self) -> _Message | None:
        timeout: float | None = 0.0
        if not self._runnable:
            due = self._timers.next_due()
            timeout = None if due is None else max(0.0, (due - self._clock.now()).total_seconds())
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def _accept(self, instance_id: str, key: int, completion: Completion) -> None:
        instance = self._table.current(instance_id, key)
        if instance is not None:
            instance.pending.append(completion)
            self._runnable[instance_id] = None

    def _run_episode(self, instance_id: str) -> None:
        instance = self._table.get(instance_id)
        if instance is None or instance.status.is_finished:
            return
        key, execution = instance.key, instance.execution
        try:
            if instance.started:
                completions, instance.pending = instance.pending, []
                execution.begin_episode(self._clock.now(), completions)
            else:
                # The first replay sees only ExecutionStarted; anything delivered already waits for the next one.
                instance.started = True
            reply = self._registry.run_orchestrator(execution.name, execution.context_json())
            outcome: Outcome = execution.finish_episode(reply)
        except Exception as exc:
            outcome = Failed(f"{type(exc).__name__}: {exc}", traceback.format_exc(), None)
        if instance.pending:
            self._runnable[instance_id] = None
        self._apply(instance, key, outcome)

    def _apply(self, instance: Instance, key: int, outcome: Outcome) -> None:
        if isinstance(outcome, ContinuedAsNew):
            old = instance.execution
            fresh = Execution(old.name, old.instance_id, outcome.input_json, old.parent_instance_id, self._clock.now())
            self._table.restart(instance, key, fresh, _decode(outcome.input_json), outcome.custom_status)
            self._runnable[old.instance_id] = None
            return
        if isinstance(outcome, Waiting):
            if self._table.publish(instance, key, "Running", custom_status=outcome.custom_status) is not None:
                for effect in outcome.effects:
                    self._perform(instance.status.instance_id, key, effect)
            return
        parent = instance.parent
        task_id = parent.task_id if parent else -1
        report: Completion
        if isinstance(outcome, Completed):
            status = self._table.publish(instance, key, "Completed", output=outcome.output,
                                         custom_status=outcome.custom_status)
            report = SubOrchestrationDone(task_id, json.dumps(outcome.output))
        else:
            output = f"Orchestrator function '{instance.execution.name}' failed: {outcome.message}"
            status = self._table.publish(instance, key, "Failed", output=output, custom_status=outcome.custom_status)
            report = SubOrchestrationFailed(task_id, output, outcome.details)
        if status is not None and parent is not None:
            self._inbox.put(_Deliver(parent.instance_id, parent.key, report))

    def _perform(self, instance_id: str, key: int, effect: Effect) -> None:
        if isinstance(effect, ArmTimer):
            self._timers.arm(effect.fire_at, TimerKey(instance_id, key, effect.timer_id))
        elif isinstance(effect, RunActivity):
            try:
                self._pool.submit(self._run_activity, instance_id, key, effect)
            except RuntimeError:
                logger.warning("engine shut down: activity %s of %s not run", effect.name, instance_id)
        else:
            link = ParentLink(instance_id, key, effect.task_id)
            try:
                if not self._registry.has_orchestrator(effect.name):
                    raise OrchestratorNotFound(effect.name, sorted(self._registry.orchestrator_names))
                child = self._table.create(effect.name, effect.instance_id, effect.input_json,
                                           _decode(effect.input_json), parent=link)
            except (OrchestratorNotFound, InstanceAlreadyExists) as refused:
                self._accept(instance_id, key, SubOrchestrationFailed(effect.task_id, str(refused), ""))
                return
            self._runnable[child.status.instance_id] = None

    def _run_activity(self, instance_id: str, key: int, effect: RunActivity) -> None:
        outcome = self._registry.run_activity(effect.name, effect.input_json)
        completion: Completion
        if outcome.failed:
            completion = ActivityFailed(effect.task_id, outcome.reason or "", outcome.details or "")
        else:
            completion = ActivityDone(effect.task_id, outcome.result_json)
        self._inbox.put(_Deliver(instance_id, key, completion))
