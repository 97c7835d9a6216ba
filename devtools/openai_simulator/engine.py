"""The simulated Chat Completions endpoint: auth, request checks, faults, deterministic structured answers."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from devtools.openai_simulator.answers import allowed_categories, answer_for, appointments
from devtools.openai_simulator.faults import Fault, FaultQueue, error, failure
from devtools.openai_simulator.schema_check import check_response_format

_ROUTES = (
    re.compile(r"^/v1/chat/completions$"),
    re.compile(r"^/openai/v1/chat/completions$"),
    re.compile(r"^/openai/deployments/(?P<deployment>[^/]+)/chat/completions$"),
)
_SECRET_HEADERS = ("authorization", "api-key")


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]  # without credentials
    body: dict[str, Any]
    retry_count: int
    status: int
    total_tokens: int = 0

    @property
    def text(self) -> str:
        """Everything the model was shown, for assertions on what left the app."""
        return json.dumps(self.body.get("messages", []), ensure_ascii=False)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Engine:
    api_key: str | None = "sk-sim"
    keywords: dict[str, str] = field(default_factory=dict)
    obey_instructions: bool = False
    faults: FaultQueue = field(default_factory=FaultQueue)
    _requests: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        lowered = {k.lower(): v for k, v in headers.items()}
        route = path.split("?", 1)[0]
        body: dict[str, Any] = {}
        reply = self._reply(method, route, lowered, raw, body)
        reply.headers.setdefault("x-request-id", f"req_{uuid.uuid4().hex}")
        reply.headers.setdefault("openai-version", "2020-10-01")
        recorded = RecordedRequest(
            path=route, headers={k: v for k, v in lowered.items() if k not in _SECRET_HEADERS}, body=body,
            retry_count=int(lowered.get("x-stainless-retry-count", "0") or 0), status=reply.status,
            total_tokens=int((reply.body.get("usage") or {}).get("total_tokens", 0)) if reply.status == 200 else 0,
        )
        with self._lock:
            self._requests.append(recorded)
        return reply

    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def _reply(self, method: str, route: str, headers: dict[str, str], raw: bytes, body: dict[str, Any]) -> Reply:
        match = next((m for m in (r.match(route) for r in _ROUTES) if m), None)
        if match is None:
            return Reply(404, {}, error(f"Invalid URL (POST {route})", "invalid_request_error", "unknown_url"))
        if method != "POST":
            return Reply(405, {}, error("Method not allowed", "invalid_request_error", None))
        if not self._authorised(headers, azure="deployment" in match.groupdict()):
            denied = failure(Fault("unauthorized"), "")
            assert denied is not None
            return Reply(*denied)
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            return Reply(400, {}, error("We could not parse the JSON body of your request.", "invalid_request_error",
                                        None))
        if not isinstance(parsed, dict):
            return Reply(400, {}, error("Invalid request body.", "invalid_request_error", None))
        body.update(parsed)
        model = str(match.groupdict().get("deployment") or body.get("model") or "")
        if not model:
            return Reply(400, {}, error("you must provide a model parameter", "invalid_request_error", None))
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            return Reply(400, {}, error("'messages' is a required property", "invalid_request_error", None,
                                        "messages"))
        problem = check_response_format(body["response_format"]) if "response_format" in body else None
        if problem is not None:
            return Reply(400, {}, error(problem, "invalid_request_error", "invalid_json_schema", "response_format"))
        fault = self.faults.next()
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.delay_ms / 1000)
            else:
                failed = failure(fault, model)
                if failed is not None:
                    return Reply(*failed)
        return Reply(200, {"openai-processing-ms": "7"}, self._completion(body, model, fault))

    def _authorised(self, headers: dict[str, str], azure: bool) -> bool:
        if self.api_key is None:
            return True
        bearer = headers.get("authorization", "")
        if bearer == f"Bearer {self.api_key}":
            return True
        return azure and headers.get("api-key") == self.api_key

    def _completion(self, body: dict[str, Any], model: str, fault: Fault | None) -> dict[str, Any]:
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
        allowed = allowed_categories(schema)
        answers = [answer_for(item, allowed, self.keywords, self.obey_instructions)
                   for item in appointments(body["messages"])]
        content: str | None = json.dumps({"answers": answers})
        refusal = None
        finish = "stop"
        if fault is not None and fault.kind == "refusal":
            content, refusal = None, "I'm sorry, I cannot assist with that request."
        elif fault is not None and fault.kind == "length":
            content, finish = (content or "")[: max(1, len(content or "") // 2)], "length"
        elif fault is not None and fault.kind == "malformed":
            content = "Sure! Here are the categories you asked for."
        prompt_tokens = _tokens(json.dumps(body["messages"]))
        completion_tokens = _tokens(content or refusal or "")
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal, "annotations": []},
                "logprobs": None,
                "finish_reason": finish,
            }],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
            "system_fingerprint": "fp_simulator",
        }


def _tokens(text: str) -> int:
    return max(1, -(-len(text) // 4))  # about four characters per token, as OpenAI's rule of thumb
