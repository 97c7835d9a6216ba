"""OneDrive file bodies in the simulator: raw bytes for `:/content` uploads, and the pre-authenticated upload URL
(outside /v1.0, without Authorization) of upload sessions. The base pipeline reads every body as JSON, so this
one lets those two kinds of request through untouched."""

from __future__ import annotations

import threading
import time
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.errors import GraphError
from devtools.graph_simulator.models import GraphRequest, GraphResponse, RequestRecord
from devtools.graph_simulator.pipeline import API_PREFIX, Pipeline, split_url
from devtools.graph_simulator.routes_drive import DRIVE_PATH, UPLOAD_PREFIX, upload_url


class RawBody(bytes):
    """A request body kept as bytes (file content), not parsed as JSON."""


class DrivePipeline(Pipeline):
    def __init__(self, base: Pipeline) -> None:
        super().__init__(base.ctx, base.concurrency, base.token)
        self._raw = threading.local()

    def handle(self, method: str, raw_url: str, headers: dict[str, str], raw_body: bytes) -> GraphResponse:
        path, query = split_url(raw_url)
        if path.startswith(UPLOAD_PREFIX):
            return self._upload(method, path, query, headers, raw_body)
        relative = path[len(API_PREFIX):] if path.lower().startswith(API_PREFIX.lower()) else ""
        found = DRIVE_PATH.match(relative)
        self._raw.on = found is not None and found.group("action").lower() == "content"
        try:
            return super().handle(method, raw_url, headers, raw_body)
        finally:
            self._raw.on = False

    def _parse_body(self, raw: bytes) -> Any:  # type: ignore[override]
        if getattr(self._raw, "on", False):
            return RawBody(raw)
        return Pipeline._parse_body(raw)

    def _upload(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> GraphResponse:
        started = time.monotonic()
        req = GraphRequest(method, path, query, headers, None, identifiers.new_guid())
        try:
            response = upload_url(self.ctx, method, path[len(UPLOAD_PREFIX):], headers, body)
        except GraphError as exc:
            response = self.error(req, exc)
        # The body is left out of the log: fragments can be megabytes.
        self.log.append(RequestRecord(method=method, path=path, query=query, headers=dict(headers),
                                      status=response.status, mailbox=None, started=started,
                                      finished=time.monotonic(), batch_item=False, body=len(body),
                                      request_id=req.request_id))
        response.headers.update({"request-id": req.request_id})
        return response
