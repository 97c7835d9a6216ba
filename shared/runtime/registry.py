"""Orchestrator and activity functions by name, invoked the way the Python worker invokes them."""

from __future__ import annotations

import asyncio
import inspect
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from azure.durable_functions import Orchestrator
from azure.durable_functions.constants import ACTIVITY_TRIGGER, ORCHESTRATION_TRIGGER
from azure.functions import meta
from azure.functions.durable_functions import ActivityTriggerConverter

from shared.runtime.actions import OrchestratorReply, call_orchestrator


@dataclass(frozen=True)
class ActivityOutcome:
    """An activity's result as the host records it: a JSON result, or a failure reason with details."""

    result_json: str | None = None
    reason: str | None = None
    details: str | None = None

    @property
    def failed(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class _Activity:
    fn: Callable[..., Any]
    input_name: str | None  # the trigger's parameter name; None = pass the input positionally


def _unwrap(obj: Any) -> Any:
    """A `FunctionBuilder` (what the decorators return) holds the indexed `Function`."""
    return getattr(obj, "_function", obj)


def _trigger_type(function: Any) -> str | None:
    get_trigger = getattr(function, "get_trigger", None)
    trigger = get_trigger() if callable(get_trigger) else None
    return trigger.get_binding_name() if trigger is not None else None


def _orchestrator_handle(obj: Any) -> Callable[[Any], Any]:
    function = _unwrap(obj)
    if _trigger_type(function) == ORCHESTRATION_TRIGGER:
        handle: Callable[[Any], Any] = function.get_user_function()
        return handle
    if hasattr(obj, "orchestrator_function"):  # already Orchestrator.create(...)
        return obj
    if inspect.isgeneratorfunction(obj):
        return Orchestrator.create(obj)
    raise TypeError(f"{obj!r} is neither an orchestration_trigger function nor an orchestrator generator")


def _activity(obj: Any) -> _Activity:
    function = _unwrap(obj)
    if _trigger_type(function) == ACTIVITY_TRIGGER:
        return _Activity(fn=function.get_user_function(), input_name=function.get_trigger().name)
    if callable(obj):
        return _Activity(fn=obj, input_name=None)
    raise TypeError(f"{obj!r} is not callable")


class FunctionRegistry:
    def __init__(self, orchestrators: Mapping[str, Any], activities: Mapping[str, Any]) -> None:
        self._orchestrators = {name: _orchestrator_handle(obj) for name, obj in orchestrators.items()}
        self._activities = {name: _activity(obj) for name, obj in activities.items()}

    @classmethod
    def from_functions(cls, functions: Iterable[Any]) -> FunctionRegistry:
        """Pick the orchestration and activity triggers out of `app.get_functions()`, keyed by function name."""
        orchestrators: dict[str, Any] = {}
        activities: dict[str, Any] = {}
        for function in functions:
            kind = _trigger_type(function)
            if kind == ORCHESTRATION_TRIGGER:
                orchestrators[function.get_function_name()] = function
            elif kind == ACTIVITY_TRIGGER:
                activities[function.get_function_name()] = function
        return cls(orchestrators, activities)

    @property
    def orchestrator_names(self) -> frozenset[str]:
        return frozenset(self._orchestrators)

    @property
    def activity_names(self) -> frozenset[str]:
        return frozenset(self._activities)

    def has_orchestrator(self, name: str) -> bool:
        return name in self._orchestrators

    def run_orchestrator(self, name: str, context_json: str) -> OrchestratorReply:
        # The worker hands the trigger an OrchestrationContext whose body is the host's JSON.
        return call_orchestrator(self._orchestrators[name], func.OrchestrationContext(context_json))

    def run_activity(self, name: str, input_json: str | None) -> ActivityOutcome:
        activity = self._activities.get(name)
        if activity is None:
            return ActivityOutcome(reason=f"Activity function '{name}' is not registered",
                                   details=f"known activities: {sorted(self._activities)}")
        try:
            value = ActivityTriggerConverter.decode(meta.Datum(type="json", value=input_json or "null"),
                                                    trigger_metadata=None)
            kwargs = {} if activity.input_name is None else {activity.input_name: value}
            result = activity.fn(**kwargs) if kwargs else activity.fn(value)
            if inspect.isawaitable(result):
                result = asyncio.run(_awaited(result))
            encoded = ActivityTriggerConverter.encode(result, expected_type=None)
        except Exception as exc:
            # Details start at the activity's own frames, as the worker reports them.
            frames = exc.__traceback__.tb_next if exc.__traceback__ else None
            details = "".join(traceback.format_exception(type(exc), exc, frames))
            return ActivityOutcome(reason=str(exc) or type(exc).__name__, details=details)
        return ActivityOutcome(result_json=str(encoded.value))


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
