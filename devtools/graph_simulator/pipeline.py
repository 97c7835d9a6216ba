"""How every request is executed: authentication, mailbox concurrency, latency, injected faults, routing, logging."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.batch import run_batch
from devtools.graph_simulator.concurrency import MailboxConcurrency
from devtools.graph_simulator.context import RouteContext
from devtools.graph_simulator.errors import GraphError, error_body, throttled_body
from devtools.graph_simulator.faults import InjectedFault
from devtools.graph_simulator.models import GraphRequest, GraphResponse, RequestRecord
from devtools.graph_simulator.router import dispatch, mailbox_key

API_PREFIX = "/v1.0"


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


def split_url(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return unquote(parts.path), dict(parse_qsl(parts.query, keep_blank_values=True))


class Pipeline:
    def __init__(self, ctx: RouteContext, concurrency: MailboxConcurrency, token: str | None, seed: int = 0) -> None:
        self.ctx = ctx
        self.concurrency = concurrency
        self.token = token
        self.log = RequestLog()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    def shuffle(self, items: list[Any]) -> None:
        with self._rng_lock:
            self._rng.shuffle(items)

    # --- responses ---------------------------------------------------------------------------------------
    @staticmethod
    def error(req: GraphRequest, exc: GraphError) -> GraphResponse:
        client_id = req.header("client-request-id") or req.request_id
        if exc.status == 429 and exc.code == "TooManyRequests":
            body = throttled_body(req.request_id, client_id)
        else:
            body = error_body(exc.code, exc.message, req.request_id, client_id)
        headers = {"Retry-After": exc.retry_after} if exc.retry_after else {}
        return GraphResponse(exc.status, body, headers)

    @staticmethod
    def injected(req: GraphRequest, fault: InjectedFault) -> GraphResponse:
        return Pipeline.error(req, GraphError(fault.status, fault.code, fault.message, retry_after=fault.retry_after))

    # --- execution ---------------------------------------------------------------------------------------
    def _execute(
        self,
        req: GraphRequest,
        mailbox: str | None,
        *,
        batch_item: bool,
        handler: Callable[[GraphRequest], GraphResponse],
        latency: bool = True,
    ) -> GraphResponse:
        faults = self.ctx.faults
        with self.concurrency.enter(mailbox) as admitted:
            if latency and faults.latency_seconds:
                # Spent while counted in flight (refused requests too), so concurrency is observable.
                time.sleep(faults.latency_seconds)
            if not admitted:
                return self.error(req, GraphError(
                    429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                    retry_after=faults.concurrency_retry_after,
                ))
            fault = faults.take_item_throttle() if batch_item else faults.take_throttle()
            fault = fault or faults.roll_random()
            if fault is not None:
                return self.injected(req, fault)
            try:
                return handler(req)
            except GraphError as exc:
                return self.error(req, exc)

    def _record(
        self, req: GraphRequest, response: GraphResponse, mailbox: str | None, started: float, batch_item: bool
    ) -> None:
        self.log.append(RequestRecord(
            method=req.method, path=req.path, query=dict(req.query), headers=dict(req.headers),
            status=response.status, mailbox=mailbox, started=started, finished=time.monotonic(),
            batch_item=batch_item, body=req.body, request_id=req.request_id,
        ))

    def execute_item(self, req: GraphRequest) -> GraphResponse:
        """One $batch item, executed as if it had been sent on its own (but never re-authenticated)."""
        started = time.monotonic()
        mailbox = mailbox_key(self.ctx, req.path)
        response = self._execute(req, mailbox, batch_item=True, handler=lambda r: dispatch(self.ctx, r))
        self._record(req, response, mailbox, started, batch_item=True)
        return response

    def _batch(self, req: GraphRequest) -> GraphResponse:
        return run_batch(
            req, self.execute_item, self.error, split_url, lambda path: mailbox_key(self.ctx, path), self.shuffle
        )

    def handle(self, method: str, raw_url: str, headers: dict[str, str], raw_body: bytes) -> GraphResponse:
        """A top-level HTTP request; the mailbox count is released before the response is written."""
        started = time.monotonic()
        path, query = split_url(raw_url)
        relative = path[len(API_PREFIX):] if path.lower().startswith(API_PREFIX.lower()) else None
        req = GraphRequest(method, relative or path, query, headers, None, identifiers.new_guid())
        mailbox: str | None = None
        try:
            if relative is None:
                raise GraphError(404, "BadRequest", f"Unsupported API version or path: '{path}'.")
            mailbox = mailbox_key(self.ctx, relative)
            self._authenticate(req)
            req = GraphRequest(method, relative, query, headers, self._parse_body(raw_body), req.request_id)
            if relative.strip("/").lower() == "$batch" and method == "POST":
                response = self._execute(req, None, batch_item=False, handler=self._batch, latency=False)
            else:
                response = self._execute(req, mailbox, batch_item=False, handler=lambda r: dispatch(self.ctx, r))
        except GraphError as exc:
            response = self.error(req, exc)
        self._record(req, response, mailbox, started, batch_item=False)
        client_id = req.header("client-request-id") or req.request_id
        response.headers.update({"request-id": req.request_id, "client-request-id": client_id})
        return response

    def _authenticate(self, req: GraphRequest) -> None:
        if self.token is None:
            return
        scheme, _, presented = (req.header("Authorization") or "").partition(" ")
        if not presented:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
        if scheme.lower() != "bearer" or presented.strip() != self.token:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.")

    @staticmethod
    def _parse_body(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise GraphError(400, "BadRequest", "Unable to read JSON request payload.") from None
