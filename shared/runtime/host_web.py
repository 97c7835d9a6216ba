"""HTTP-triggered functions: which methods they take and how their return value becomes the HTTP answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import azure.functions as func

from shared.runtime.host_http import OutgoingResponse
from shared.runtime.host_invoke import HTTP_OUTPUT, RETURN, FunctionInvoker, InvocationResult


@dataclass(frozen=True)
class HttpFunction:
    invoker: FunctionInvoker
    methods: set[str] | None  # None: every method, as for a route declared without `methods`

    def accepts(self, method: str) -> bool:
        return self.methods is None or method in self.methods

    def http_result(self, result: InvocationResult) -> Any:
        """The response comes from `$return` unless the HTTP output binding is a named `func.Out`."""
        names = list(self.invoker.output_bindings(HTTP_OUTPUT))
        if not names or RETURN in names:
            return result.returned
        return result.outputs.get(names[0])


def http_response_of(value: Any) -> OutgoingResponse:
    """What the worker and host make of a function's HTTP result."""
    if value is None:
        return OutgoingResponse(204)
    if isinstance(value, str):
        return OutgoingResponse(200, value.encode(), [("Content-Type", "text/plain; charset=utf-8")])
    if not isinstance(value, func.HttpResponse):
        raise TypeError(f"An HTTP function returned {type(value).__name__}, not an HttpResponse")
    headers = [(str(k), str(v)) for k, v in value.headers.items()]
    if not any(k.lower() == "content-type" for k, _ in headers):
        mimetype = value.mimetype
        headers.append(("Content-Type", f"{mimetype}; charset={value.charset}" if mimetype.startswith("text/")
                        else mimetype))
    return OutgoingResponse(int(value.status_code), value.get_body(), headers)
