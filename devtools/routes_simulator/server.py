"""The HTTP front: a threading server that hands every request to the engine."""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler
from typing import Any

from devtools.routes_simulator.engine import Engine, Reply
from devtools.routes_simulator.faults import google_error
from shared.runtime.http_serving import ThreadedHTTPServer

log = logging.getLogger(__name__)


class RoutesHTTPServer(ThreadedHTTPServer):
    def __init__(self, address: tuple[str, int], engine: Engine) -> None:
        self.engine = engine
        super().__init__(address, RoutesRequestHandler)


class RoutesRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: RoutesHTTPServer

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            reply = self.server.engine.handle(self.command, self.path, dict(self.headers.items()), raw)
        except Exception:
            log.exception("routes simulator failed on %s", self.path.split("?")[0])
            reply = Reply(500, google_error(500, "INTERNAL", "Internal error encountered."))
        payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return
