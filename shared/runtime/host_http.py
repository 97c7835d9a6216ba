"""The local host's HTTP front door: reads requests off the wire, hands them to a dispatcher, writes the answer."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from shared.runtime.http_serving import ThreadedHTTPServer

logger = logging.getLogger(__name__)

MAX_REQUEST_BODY = 1024 * 1024
# Bodies over the limit are still read (and dropped) up to this size so the client sees the 413 instead of a reset
# connection; beyond it the connection is closed after answering.
_DRAIN_LIMIT = 32 * 1024 * 1024
_IDLE_CONNECTION_SECONDS = 120


@dataclass(frozen=True)
class IncomingRequest:
    method: str
    url: str  # absolute, as the caller addressed this host
    path: str  # percent-encoded, without the query
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class OutgoingResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def problem(status: int, detail: str, **extra: Any) -> OutgoingResponse:
    """An RFC 9457 problem document, shaped like the app's own (`errors` included); never carries a traceback."""
    title = HTTPStatus(status).phrase
    payload = {"type": "about:blank", "title": title, "status": status, "detail": detail, "errors": [], **extra}
    return OutgoingResponse(status, json.dumps(payload).encode(), [("Content-Type", "application/problem+json")])


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> OutgoingResponse:
    body = b"" if payload is None else json.dumps(payload).encode()
    return OutgoingResponse(status, body, [("Content-Type", "application/json; charset=utf-8"), *(headers or [])])


Dispatcher = Callable[[IncomingRequest], OutgoingResponse]


class _BodyTooLarge(Exception):
    def __init__(self, drained: bool) -> None:
        super().__init__("request body too large")
        self.drained = drained


class FrontDoorServer(ThreadedHTTPServer):
    def __init__(self, address: tuple[str, int], dispatch: Dispatcher) -> None:
        super().__init__(address, _Handler)
        self.dispatch = dispatch


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AdminAssistantLocalHost/1.0"
    timeout = _IDLE_CONNECTION_SECONDS
    server: FrontDoorServer

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up `do_<METHOD>`; every method goes through one entry point.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BodyTooLarge as too_large:
            if not too_large.drained:
                self.close_connection = True
            limit = f"{MAX_REQUEST_BODY} bytes"
            self._write(problem(413, f"The request body exceeds the limit of {limit}."))
            return
        except ValueError as bad:
            self.close_connection = True
            self._write(problem(400, str(bad)))
            return
        split = urlsplit(self.path)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = IncomingRequest(
            method=self.command.upper(),
            url=f"http://{host}{self.path}",
            path=split.path,
            params=_joined(parse_qsl(split.query, keep_blank_values=True), ","),
            headers=_joined(list(self.headers.items()), ", "),
            body=body,
        )
        try:
            response = self.server.dispatch(request)
        except Exception:
            logger.exception("Unhandled error while serving %s %s", request.method, split.path)
            response = problem(500, "The host failed to process the request.")
        self._write(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length")
        if not length_header:
            return b""
        try:
            length = int(length_header)
        except ValueError as bad:
            raise ValueError("Content-Length is not a number.") from bad
        if length > MAX_REQUEST_BODY:
            drained = length <= _DRAIN_LIMIT
            if drained:
                self._discard(length)
            raise _BodyTooLarge(drained)
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError as bad:
                raise ValueError("Malformed chunked request body.") from bad
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers are not used by any function
                return bytes(body)
            if len(body) + size > MAX_REQUEST_BODY:
                raise _BodyTooLarge(drained=False)
            body += self.rfile.read(size)
            self.rfile.readline(16)

    def _discard(self, length: int) -> None:
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)

    def _write(self, response: OutgoingResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        body = b"" if self.command.upper() == "HEAD" else response.body
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)


def _joined(pairs: list[tuple[str, str]], separator: str) -> dict[str, str]:
    """Repeated names are joined, as the Functions host does when it hands requests to the worker."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]}{separator}{value}" if name in joined else value
    return joined
