"""The HTTP front: a threading server that hands every request to the pipeline."""

from __future__ import annotations

import json
import logging
from http.server import BaseHTTPRequestHandler
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.errors import error_body
from devtools.graph_simulator.models import GraphResponse
from devtools.graph_simulator.pipeline import Pipeline
from shared.runtime.http_serving import ThreadedHTTPServer

log = logging.getLogger(__name__)
JSON_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"


class GraphHTTPServer(ThreadedHTTPServer):
    # Many clients connect at once in concurrency tests; the default backlog of 5 would drop SYNs.
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        super().__init__(address, GraphRequestHandler)


class GraphRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment: with Nagle and delayed ACKs a split write stalls keep-alive clients.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server: GraphHTTPServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        return

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        try:
            response = self.server.pipeline.handle(self.command, self.path, headers, self._read_body())
        except Exception:
            log.exception("graph simulator failed on %s %s", self.command, self.path.split("?")[0])
            request_id = identifiers.new_guid()
            response = GraphResponse(500, error_body("generalException", "An internal error occurred.",
                                                     request_id, request_id), {"request-id": request_id})
        self._write(response)

    def _write(self, response: GraphResponse) -> None:
        payload = b""
        content_type = None
        if isinstance(response.body, str):
            payload, content_type = response.body.encode(), "text/plain; charset=utf-8"
        elif response.body is not None:
            payload, content_type = json.dumps(response.body).encode(), JSON_TYPE
        try:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
