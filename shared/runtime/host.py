"""A local Functions host: plays Core Tools' part for `python -m shared serve`, the demo and end-to-end tests.

HTTP functions are served at `/<route prefix>/<route>`, the Durable client's webhooks are answered by the engine,
queue-triggered functions poll Azurite, and non-HTTP functions can be run on `POST /admin/functions/<name>`.
Like `func start`, no function keys are checked: auth levels are Azure's business.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import azure.functions as func
from azure.functions.decorators.function_app import Function
from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequest

from shared.runtime.host_config import HostSettings, host_settings
from shared.runtime.host_durable import WEBHOOK_PATH, DurableBackend, DurableWebhooks
from shared.runtime.host_http import FrontDoorServer, IncomingRequest, OutgoingResponse, problem
from shared.runtime.host_invoke import QUEUE_OUTPUT, FunctionInvoker, queue_trigger_argument
from shared.runtime.host_queues import QueueListener, QueueSender
from shared.runtime.host_routes import RouteTable
from shared.runtime.host_timers import Schedule
from shared.runtime.host_web import HttpFunction, http_response_of
from shared.runtime.http_serving import ServerThread

logger = logging.getLogger(__name__)

_ADMIN_PATH = re.compile(r"^/admin/functions/(?P<name>[^/]+)/?$")
_SETTING = re.compile(r"%([^%]+)%")
_NON_HTTP_TRIGGERS = {"timerTrigger", "queueTrigger"}
_ENGINE_TRIGGERS = {"orchestrationTrigger", "activityTrigger", "entityTrigger"}


def resolve_app_setting(value: str) -> str:
    """Binding values written as `%NAME%` come from app settings, as in Azure."""

    def lookup(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in os.environ:
            raise KeyError(f"App setting {name} is referenced by a binding but not set")
        return os.environ[name]

    return _SETTING.sub(lookup, value)


class LocalHost:
    def __init__(
        self,
        functions: Sequence[Function],
        *,
        engine: DurableBackend | None = None,
        storage_connection_string: str | None = None,
        port: int = 0,
        bind_address: str = "127.0.0.1",
        queue_poll_interval: float = 0.2,
        queue_retry_delay_seconds: int = 1,
        run_timers: bool = False,
        settings: HostSettings | None = None,
    ) -> None:
        """`settings` default to the app's host.json (route prefix, task hub, queue batch and dequeue count)."""
        extensions = (settings or host_settings()).extensions
        self._queue_settings = extensions.queues
        self._port = port
        self._bind_address = bind_address
        self._storage = storage_connection_string
        self._poll_interval = queue_poll_interval
        self._retry_delay = queue_retry_delay_seconds
        self._run_timers = run_timers
        route_prefix = extensions.http.route_prefix.strip("/")
        self._prefix = "/" + route_prefix if route_prefix else ""
        self._base_url = ""
        self._server: ServerThread | None = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listeners: list[QueueListener] = []
        self._background = ThreadPoolExecutor(max_workers=4, thread_name_prefix="admin-invoke")
        self._sender = QueueSender(storage_connection_string) if storage_connection_string else None

        self._routes: RouteTable[HttpFunction] = RouteTable()
        self._invocable: dict[str, FunctionInvoker] = {}  # lower-cased name -> timer/queue function
        orchestrators: set[str] = set()
        for function in functions:
            trigger = function.get_trigger()
            kind = getattr(trigger, "type", None)
            if kind in _ENGINE_TRIGGERS:
                if kind == "orchestrationTrigger":
                    orchestrators.add(str(function.get_function_name()))
                    orchestrators.add(getattr(trigger, "orchestration", None) or str(function.get_function_name()))
                continue
            if kind == "httpTrigger":
                invoker = FunctionInvoker(function, self._client_binding)
                methods = getattr(trigger, "methods", None)
                allowed = {str(getattr(m, "value", m)).upper() for m in methods} if methods else None
                route = getattr(trigger, "route", None) or invoker.name
                self._routes.add(route, HttpFunction(invoker, allowed))
            elif kind in _NON_HTTP_TRIGGERS:
                self._invocable[str(function.get_function_name()).lower()] = FunctionInvoker(
                    function, self._client_binding)
            else:
                logger.warning("Function %s has a %s trigger, which the local host does not run",
                               function.get_function_name(), kind)
        self._durable = DurableWebhooks(engine, orchestrators, lambda: self._base_url,
                                       extensions.durable_task.hub_name)

    @property
    def base_url(self) -> str:
        return self._base_url

    def start(self) -> str:
        if self._server is not None or self._stop.is_set():
            raise RuntimeError("A LocalHost starts once; build a new one to serve again")
        front_door = FrontDoorServer((self._bind_address, self._port), self._dispatch)
        self._server = ServerThread(front_door, "http-front-door")
        self._base_url = self._server.start()
        try:
            self._start_queue_listeners()
            if self._run_timers:
                self._start_timers()
        except Exception:
            self.stop()
            raise
        logger.info("Local Functions host listening on %s", self._base_url)
        return self._base_url

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        if self._server is not None:
            self._server.stop()
        for listener in self._listeners:
            listener.join(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)
        self._background.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> LocalHost:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def drain_queues(self, timeout: float = 10.0) -> None:
        """Wait until every triggered queue is empty and nothing is being processed; TimeoutError otherwise."""
        if not self._listeners:
            return
        deadline = time.monotonic() + timeout
        quiet_rounds = 0
        # Two quiet rounds in a row: a function may enqueue to a queue that was already looked at.
        while quiet_rounds < 2:
            busy = [listener.queue_name for listener in self._listeners if listener.pending() > 0]
            quiet_rounds = 0 if busy else quiet_rounds + 1
            if busy and time.monotonic() > deadline:
                raise TimeoutError(f"Queues still hold messages after {timeout:.1f}s: {', '.join(busy)}")
            time.sleep(0.05)

    def _spawn(self, target: Any, name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _client_binding(self) -> str:
        return self._durable.client_binding_json()

    # --- requests -------------------------------------------------------------------------------------------------

    def _dispatch(self, request: IncomingRequest) -> OutgoingResponse:
        path = request.path
        if path == WEBHOOK_PATH or path.startswith(WEBHOOK_PATH + "/"):
            return self._durable.handle(request, path[len(WEBHOOK_PATH):])
        admin = _ADMIN_PATH.match(path)
        if admin:
            return self._admin_invoke(request, admin.group("name"))
        if path == self._prefix or path.startswith(self._prefix + "/"):
            return self._http_function(request, path[len(self._prefix):])
        return problem(404, f"No function is routed at {path}.")

    def _http_function(self, request: IncomingRequest, route_path: str) -> OutgoingResponse:
        for target, route_params in self._routes.candidates(route_path):
            if target.accepts(request.method):
                return self._run_http(target, request, route_params)
        # As in Azure, a method no function of the route declares is not found: a 405 is the app's own to answer.
        return problem(404, f"No function takes {request.method} at {request.path}.")

    def _run_http(self, target: HttpFunction, request: IncomingRequest, route_params: dict[str, str]
                  ) -> OutgoingResponse:
        http_request = func.HttpRequest(
            method=request.method, url=request.url, headers=request.headers, params=request.params,
            route_params=route_params, body=request.body,
        )
        try:
            result = target.invoker.invoke(http_request)
            self._flush_queue_outputs(target.invoker, result.outputs)
            return http_response_of(target.http_result(result))
        except Exception:
            logger.exception("Function %s failed", target.invoker.name)
            return problem(500, f"Function {target.invoker.name} failed; see the host log.")

    def _admin_invoke(self, request: IncomingRequest, name: str) -> OutgoingResponse:
        if request.method != "POST":
            return problem(405, "Use POST to run a function.")
        invoker = self._invocable.get(name.lower())
        if invoker is None:
            return problem(404, f"No timer or queue function named {name}.")
        payload: dict[str, Any] = {}
        if request.body.strip():
            try:
                parsed = json.loads(request.body)
                payload = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                return problem(400, "The body must be JSON, e.g. {\"input\": \"\"}.")
        admin_input = payload.get("input")
        text = admin_input if isinstance(admin_input, str) else json.dumps(admin_input) if admin_input else ""
        self._background.submit(self._run_non_http, invoker, text)
        return OutgoingResponse(202)

    # --- non-HTTP triggers ----------------------------------------------------------------------------------------

    def _run_non_http(self, invoker: FunctionInvoker, admin_input: str = "", past_due: bool = False) -> None:
        try:
            if invoker.trigger.type == "timerTrigger":
                argument: Any = TimerRequest(past_due=past_due)
            else:
                argument = queue_trigger_argument(QueueMessage(body=admin_input.encode()),
                                                  invoker.annotation_of_trigger())
            result = invoker.invoke(argument)
            self._flush_queue_outputs(invoker, result.outputs)
        except Exception:
            logger.exception("Function %s failed", invoker.name)

    def _start_queue_listeners(self) -> None:
        queue_functions = [i for i in self._invocable.values() if i.trigger.type == "queueTrigger"]
        if queue_functions and not self._storage:
            logger.warning("No storage connection string: queue-triggered functions will not run")
            return
        for invoker in queue_functions:
            queue_name = resolve_app_setting(str(getattr(invoker.trigger, "queue_name", "")))
            listener = QueueListener(str(self._storage), queue_name, self._queue_processor(invoker),
                                     self._poll_interval, self._retry_delay, self._queue_settings)
            listener.start(self._stop)
            self._listeners.append(listener)

    def _queue_processor(self, invoker: FunctionInvoker) -> Any:
        annotation = invoker.annotation_of_trigger()

        def process(message: QueueMessage) -> None:
            result = invoker.invoke(queue_trigger_argument(message, annotation))
            self._flush_queue_outputs(invoker, result.outputs)

        return process

    def _flush_queue_outputs(self, invoker: FunctionInvoker, outputs: dict[str, Any]) -> None:
        for name, binding in invoker.output_bindings(QUEUE_OUTPUT).items():
            value = outputs.get(name)
            if value is None:
                continue
            if self._sender is None:
                raise RuntimeError(f"Function {invoker.name} writes to a queue but the host has no storage")
            self._sender.send(resolve_app_setting(str(binding.queue_name)), value)

    def _start_timers(self) -> None:
        for invoker in self._invocable.values():
            if invoker.trigger.type == "timerTrigger":
                schedule = Schedule.parse(resolve_app_setting(str(getattr(invoker.trigger, "schedule", ""))))
                run_on_startup = bool(getattr(invoker.trigger, "run_on_startup", False))
                self._spawn(self._timer_loop, f"timer-{invoker.name}", invoker, schedule, run_on_startup)

    def _timer_loop(self, invoker: FunctionInvoker, schedule: Schedule, run_on_startup: bool) -> None:
        if run_on_startup:
            self._run_non_http(invoker)
        due = schedule.next_after(datetime.now(UTC))
        while not self._stop.wait(max(0.0, (due - datetime.now(UTC)).total_seconds())):
            late = (datetime.now(UTC) - due).total_seconds() > 60
            self._run_non_http(invoker, past_due=late)
            due = schedule.next_after(max(due, datetime.now(UTC)))
