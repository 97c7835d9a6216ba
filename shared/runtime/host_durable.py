"""The Durable extension's part of the host: the client binding JSON and the webhooks it points at.

`DurableOrchestrationClient` takes every URL from the binding JSON, so pointing them at this host's own
`/runtime/webhooks/durabletask/` endpoints, answered by the engine, makes HTTP starters work unchanged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote, unquote

from shared.runtime.errors import InstanceAlreadyExists, InstanceNotFound, InstanceNotRunning, OrchestratorNotFound
from shared.runtime.host_http import IncomingRequest, OutgoingResponse, json_response, problem

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
_ID_PLACEHOLDER = "INSTANCEID"
_TERMINAL = {"Completed", "Failed", "Terminated", "Canceled"}

_START = re.compile(r"^/orchestrators/(?P<name>[^/]+)(?:/(?P<iid>[^/]+))?/?$")
_STATUS = re.compile(r"^/instances/(?P<iid>[^/]+)/?$")
_RAISE = re.compile(r"^/instances/(?P<iid>[^/]+)/raiseEvent/(?P<event>[^/]+)/?$")
_TERMINATE = re.compile(r"^/instances/(?P<iid>[^/]+)/terminate/?$")


class InstanceStatusLike(Protocol):
    def to_json(self) -> dict[str, Any]: ...


class DurableBackend(Protocol):
    """What the host needs from the engine (shared/runtime/engine.py)."""

    def start_new(self, name: str, instance_id: str | None = None, client_input: Any = None) -> str: ...

    def get_status(self, instance_id: str) -> InstanceStatusLike | None: ...

    def raise_event(self, instance_id: str, name: str, data: Any) -> None: ...

    def terminate(self, instance_id: str, reason: str) -> None: ...


def decode_client_payload(body: bytes) -> Any:
    """The SDK posts inputs as a JSON-encoded JSON string; a plain JSON body (curl) is accepted as well."""
    if not body.strip():
        return None
    value = json.loads(body)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class DurableWebhooks:
    def __init__(
        self,
        engine: DurableBackend | None,
        orchestrator_names: set[str],
        base_url: Callable[[], str],
        task_hub: str,
    ) -> None:
        self._engine = engine
        self._orchestrators = orchestrator_names
        self._base_url = base_url
        self._task_hub = task_hub

    def client_binding_json(self) -> str:
        """The string the real host passes for a `durableClient` binding."""
        webhooks = self._base_url() + WEBHOOK_PATH
        creation = f"{webhooks}/orchestrators/{{functionName}}[/{{instanceId}}]"
        return json.dumps({
            "taskHubName": self._task_hub,
            "creationUrls": {
                "createNewInstancePostUri": creation,
                "createAndWaitOnNewInstancePostUri":
                    f"{creation}?timeout={{timeoutInSeconds}}&pollingInterval={{intervalInSeconds}}",
            },
            "managementUrls": self._management_urls(_ID_PLACEHOLDER),
            "baseUrl": webhooks,
            "requiredQueryStringParameters": "",
            "rpcBaseUrl": f"{webhooks}/",
            "httpBaseUrl": "",
            "maxGrpcMessageSizeInBytes": 0,
            "grpcHttpClientTimeout": "00:01:40",
        })

    def handle(self, request: IncomingRequest, subpath: str) -> OutgoingResponse:
        if self._engine is None:
            return problem(503, "This host runs without a Durable engine.")
        routes: list[tuple[re.Pattern[str], str, Callable[..., OutgoingResponse]]] = [
            (_START, "POST", self._start),
            (_STATUS, "GET", self._status),
            (_RAISE, "POST", self._raise_event),
            (_TERMINATE, "POST", self._terminate),
        ]
        for pattern, method, handler in routes:
            found = pattern.match(subpath)
            if found is None or request.method != method:
                continue
            args = {k: unquote(v) for k, v in found.groupdict().items() if v is not None}
            try:
                return handler(self._engine, request, **args)
            except InstanceNotFound as missing:
                return problem(404, f"No instance with ID '{missing.instance_id}' found.")
            except InstanceNotRunning as gone:
                return problem(410, f"Instance '{gone.instance_id}' is {gone.runtime_status}: it takes no events.")
        return problem(501, f"The Durable HTTP API operation at {WEBHOOK_PATH}{subpath} is not supported locally.")

    def _start(self, engine: DurableBackend, request: IncomingRequest, name: str, iid: str | None = None
               ) -> OutgoingResponse:
        unknown = f"The function '{name}' doesn't exist, is disabled, or is not an orchestrator function."
        if name not in self._orchestrators:
            # The SDK surfaces `ExceptionMessage` of a 400 as the error of `start_new`.
            return problem(400, unknown, ExceptionMessage=unknown)
        try:
            client_input = decode_client_payload(request.body)
        except ValueError:
            return problem(400, "The orchestration input is not valid JSON.")
        try:
            instance_id = engine.start_new(name, instance_id=iid, client_input=client_input)
        except InstanceAlreadyExists as exists:
            # As the extension answers with NonRunningStates: 409 and the refusal under `Message`.
            refused = f"An Orchestration instance with the status {exists.runtime_status} already exists."
            return problem(409, refused, Message=refused)
        except OrchestratorNotFound:
            return problem(400, unknown, ExceptionMessage=unknown)
        urls = self._management_urls(instance_id)
        return json_response(202, urls, [("Location", urls["statusQueryGetUri"])])

    def _status(self, engine: DurableBackend, request: IncomingRequest, iid: str) -> OutgoingResponse:
        status = engine.get_status(iid)
        if status is None:
            return problem(404, f"No instance with ID '{iid}' found.")
        payload = dict(status.to_json())
        if request.params.get("showInput", "").lower() == "false":
            payload.pop("input", None)
        runtime_status = payload.get("runtimeStatus")
        if runtime_status not in _TERMINAL:
            return json_response(202, payload, [("Location", request.url), ("Retry-After", "1")])
        failed_as_500 = request.params.get("returnInternalServerErrorOnFailure", "").lower() == "true"
        return json_response(500 if runtime_status == "Failed" and failed_as_500 else 200, payload)

    def _raise_event(self, engine: DurableBackend, request: IncomingRequest, iid: str, event: str
                     ) -> OutgoingResponse:
        refused = self._refuse_if_not_running(engine, iid)
        if refused is not None:
            return refused
        try:
            data = decode_client_payload(request.body)
        except ValueError:
            return problem(400, "Only application/json request content is supported.")
        engine.raise_event(iid, event, data)
        return OutgoingResponse(202)

    def _terminate(self, engine: DurableBackend, request: IncomingRequest, iid: str) -> OutgoingResponse:
        refused = self._refuse_if_not_running(engine, iid)
        if refused is not None:
            return refused
        engine.terminate(iid, request.params.get("reason", ""))
        return OutgoingResponse(202)

    @staticmethod
    def _refuse_if_not_running(engine: DurableBackend, iid: str) -> OutgoingResponse | None:
        status = engine.get_status(iid)
        if status is None:
            return problem(404, f"No instance with ID '{iid}' found.")
        if status.to_json().get("runtimeStatus") in _TERMINAL:
            return problem(410, f"Instance '{iid}' is gone: it completed, failed or was terminated.")
        return None

    def _management_urls(self, instance_id: str) -> dict[str, str]:
        segment = instance_id if instance_id == _ID_PLACEHOLDER else quote(instance_id, safe="")
        instance = f"{self._base_url()}{WEBHOOK_PATH}/instances/{segment}"
        scope = f"taskHub={quote(self._task_hub)}&connection=Storage"
        return {
            "id": instance_id,
            "statusQueryGetUri": f"{instance}?{scope}",
            "sendEventPostUri": f"{instance}/raiseEvent/{{eventName}}?{scope}",
            "terminatePostUri": f"{instance}/terminate?reason={{text}}&{scope}",
            "rewindPostUri": f"{instance}/rewind?reason={{text}}&{scope}",
            "purgeHistoryDeleteUri": f"{instance}?{scope}",
            "restartPostUri": f"{instance}/restart?{scope}",
            "suspendPostUri": f"{instance}/suspend?reason={{text}}&{scope}",
            "resumePostUri": f"{instance}/resume?reason={{text}}&{scope}",
        }
