"""Calling a user function the way the Python worker does: bind trigger, client and output arguments, run it."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import threading
import typing
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func
from azure.functions import _abc as functions_abc
from azure.functions.decorators.function_app import Function
from azure.functions.queue import QueueMessage

DURABLE_CLIENT = "durableClient"
HTTP_OUTPUT = "http"
QUEUE_OUTPUT = "queue"
RETURN = "$return"
_CONTEXT_PARAM = "context"
_SUPPORTED_INPUTS = {DURABLE_CLIENT}
_SUPPORTED_OUTPUTS = {HTTP_OUTPUT, QUEUE_OUTPUT}


class UnsupportedBinding(ValueError):
    """The function uses a binding the local host cannot provide; the message names both."""


class _TraceContext(functions_abc.TraceContext):
    trace_state = ""
    trace_parent = ""
    attributes: dict[str, str] = {}


class _RetryContext(functions_abc.RetryContext):
    retry_count = 0
    max_retry_count = 0
    exception = None  # type: ignore[assignment]


class InvocationContext(func.Context):
    """What a function parameter named `context` receives."""

    def __init__(self, function_name: str) -> None:
        self._invocation_id = str(uuid.uuid4())
        self._function_name = function_name
        self._local = threading.local()
        self._local.invocation_id = self._invocation_id

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def thread_local_storage(self) -> Any:
        return self._local

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def function_directory(self) -> str:
        return os.getcwd()

    @property
    def trace_context(self) -> functions_abc.TraceContext:
        return _TraceContext()

    @property
    def retry_context(self) -> functions_abc.RetryContext:
        return _RetryContext()


class OutValue(func.Out[Any]):
    def __init__(self) -> None:
        self._value: Any = None

    def set(self, val: Any) -> None:
        self._value = val

    def get(self) -> Any:
        return self._value


@dataclass
class InvocationResult:
    returned: Any
    outputs: dict[str, Any] = field(default_factory=dict)  # output binding name -> value set by the function


class _WorkerLoop:
    """One event loop for every async function of the process, as in the Python worker.

    The Durable SDK keeps one process-wide aiohttp session bound to the loop that created it, so async functions
    must not each get a fresh loop. The loop thread is a daemon that lives as long as the process.
    """

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def run(cls, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, cls._running_loop()).result()

    @classmethod
    def _running_loop(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="functions-worker-loop", daemon=True).start()
                cls._loop = loop
            return cls._loop


class FunctionInvoker:
    """Binds and runs one indexed function; `durable_client_json` supplies the client binding string."""

    def __init__(self, function: Function, durable_client_json: Callable[[], str]) -> None:
        self.function = function
        self.name = str(function.get_function_name())
        self._callable = function.get_user_function()
        self._durable_client_json = durable_client_json
        trigger = function.get_trigger()
        if trigger is None:
            raise UnsupportedBinding(f"Function {self.name} has no trigger")
        self.trigger = trigger
        self._clients: list[str] = []
        self._outputs: dict[str, str] = {}  # binding name -> binding type
        for binding in function.get_bindings():
            if binding is trigger:
                continue
            direction = str(getattr(binding, "_direction", "")).upper()
            if direction.endswith("OUT") and binding.type in _SUPPORTED_OUTPUTS:
                self._outputs[binding.name] = binding.type
            elif binding.type in _SUPPORTED_INPUTS:
                self._clients.append(binding.name)
            else:
                raise UnsupportedBinding(
                    f"Function {self.name} uses a '{binding.type}' binding, which the local host does not provide"
                )
        self._parameters = set(inspect.signature(self._callable).parameters)
        self._annotations = _annotations(self._callable)

    def output_bindings(self, binding_type: str) -> dict[str, Any]:
        """Names of this function's output bindings of a type, with their binding objects."""
        return {
            b.name: b for b in self.function.get_bindings() if self._outputs.get(b.name) == binding_type
        }

    def annotation_of_trigger(self) -> Any:
        return self._annotations.get(self.trigger.name)

    def invoke(self, trigger_value: Any) -> InvocationResult:
        kwargs: dict[str, Any] = {self.trigger.name: trigger_value}
        for client in self._clients:
            kwargs[client] = self._durable_client_json()
        outs = {name: OutValue() for name in self._outputs if name != RETURN}
        kwargs.update(outs)
        if _CONTEXT_PARAM in self._parameters and _CONTEXT_PARAM not in kwargs:
            kwargs[_CONTEXT_PARAM] = InvocationContext(self.name)
        if inspect.iscoroutinefunction(self._callable):
            returned = _WorkerLoop.run(self._callable(**kwargs))
        else:
            returned = self._callable(**kwargs)
        return InvocationResult(returned, {name: out.get() for name, out in outs.items()})


def queue_trigger_argument(message: QueueMessage, annotation: Any) -> Any:
    """The worker converts a queue message to what the parameter asks for."""
    if annotation is str or annotation == "str":
        return message.get_body().decode("utf-8")
    if annotation is bytes or annotation == "bytes":
        return message.get_body()
    if annotation in (dict, "dict"):
        return json.loads(message.get_body())
    return message


def _annotations(callable_: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(callable_)
    except Exception:  # unresolved forward references: fall back to the raw (string) annotations
        return dict(getattr(callable_, "__annotations__", {}))
