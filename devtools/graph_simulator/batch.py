"""JSON batching: validate the envelope, run items (in parallel per mailbox, dependsOn in sequence), answer by id."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devtools.graph_simulator import identifiers
from devtools.graph_simulator.errors import GraphError, error_body
from devtools.graph_simulator.models import GraphRequest, GraphResponse

MAX_REQUESTS = 20
# Outlook runs at most this many items of one batch at the same time against one mailbox.
PARALLEL_PER_MAILBOX = 4
METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


@dataclass
class BatchItem:
    id: str
    request: GraphRequest | None
    depends_on: list[str]
    mailbox: str | None
    invalid: GraphError | None = None
    done: threading.Event = field(default_factory=threading.Event)
    response: GraphResponse | None = None


def _bad(message: str) -> GraphError:
    return GraphError(400, "BadRequest", message)


def _parse_item(raw: Any, split_url: Callable[[str], tuple[str, dict[str, str]]],
                mailbox_of: Callable[[str], str | None]) -> BatchItem:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise _bad("Every batch request needs a non-empty string id.")
    method = str(raw.get("method") or "").upper()
    url = raw.get("url")
    if method not in METHODS or not isinstance(url, str) or not url:
        raise _bad(f"Batch request '{raw['id']}' needs a method and a url.")
    depends_on = raw.get("dependsOn") or []
    if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
        raise _bad(f"dependsOn of batch request '{raw['id']}' must be an array of ids.")
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict):
        raise _bad(f"headers of batch request '{raw['id']}' must be an object.")
    item = BatchItem(raw["id"], None, depends_on, None)
    if url.lower().startswith(("http://", "https://")):
        item.invalid = _bad("Batch request urls must be relative to the version, e.g. /users/{id}/events.")
        return item
    path, query = split_url("/" + url.lstrip("/"))
    body = raw.get("body")
    has_content_type = any(k.lower() == "content-type" for k in headers)
    if body is not None and not has_content_type:
        item.invalid = _bad("A Content-Type header is required for a batch request with a body.")
    item.request = GraphRequest(method, path, query, {str(k): str(v) for k, v in headers.items()}, body,
                                identifiers.new_guid())
    item.mailbox = mailbox_of(path)
    return item


def _parse(body: Any, split_url: Callable[[str], tuple[str, dict[str, str]]],
           mailbox_of: Callable[[str], str | None]) -> list[BatchItem]:
    raw_items = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(raw_items, list) or not raw_items:
        raise _bad("A batch needs a non-empty 'requests' array.")
    if len(raw_items) > MAX_REQUESTS:
        raise _bad(f"The number of batch requests exceeds the limit of {MAX_REQUESTS}.")
    items = [_parse_item(raw, split_url, mailbox_of) for raw in raw_items]
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise _bad("Batch request ids must be unique.")
    for item in items:
        unknown = [d for d in item.depends_on if d not in ids or d == item.id]
        if unknown:
            raise _bad(f"Batch request '{item.id}' depends on unknown request(s): {', '.join(unknown)}.")
    _reject_cycles({item.id: item.depends_on for item in items})
    return items


def _reject_cycles(graph: dict[str, list[str]]) -> None:
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        if state.get(node) == 1:
            raise _bad("dependsOn must not form a cycle.")
        if state.get(node) == 2:
            return
        state[node] = 1
        for dep in graph[node]:
            visit(dep)
        state[node] = 2

    for node in graph:
        visit(node)


def _failed_dependency(item: BatchItem) -> GraphResponse:
    request_id = item.request.request_id if item.request else identifiers.new_guid()
    return GraphResponse(424, error_body("FailedDependency", "A request this request depends on failed.",
                                         request_id, request_id))


def _item_json(item: BatchItem) -> dict[str, Any]:
    response = item.response or GraphResponse(500)
    headers = dict(response.headers)
    answer: dict[str, Any] = {"id": item.id, "status": response.status, "headers": headers}
    if response.body is not None:
        headers.setdefault("Content-Type", "application/json")
        answer["body"] = response.body
    return answer


def run_batch(
    req: GraphRequest,
    execute_item: Callable[[GraphRequest], GraphResponse],
    error_response: Callable[[GraphRequest, GraphError], GraphResponse],
    split_url: Callable[[str], tuple[str, dict[str, str]]],
    mailbox_of: Callable[[str], str | None],
    shuffle: Callable[[list[Any]], None],
) -> GraphResponse:
    items = _parse(req.body, split_url, mailbox_of)
    by_id = {item.id: item for item in items}
    slots: defaultdict[str | None, threading.Semaphore] = defaultdict(
        lambda: threading.Semaphore(PARALLEL_PER_MAILBOX)
    )
    for item in items:
        _ = slots[item.mailbox]  # created up front: defaultdict insertion is not thread-safe

    def run(item: BatchItem) -> None:
        try:
            for dep in item.depends_on:
                by_id[dep].done.wait()
            deps_ok = all((done := by_id[d].response) is not None and done.status < 400 for d in item.depends_on)
            if not deps_ok:
                item.response = _failed_dependency(item)
            elif item.invalid is not None or item.request is None:
                item.response = error_response(item.request or req, item.invalid or _bad("Invalid request."))
            else:
                with slots[item.mailbox]:
                    item.response = execute_item(item.request)
        finally:
            item.done.set()

    threads = [threading.Thread(target=run, args=(item,), daemon=True) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = [_item_json(item) for item in items]
    shuffle(answers)  # Graph answers in any order: clients must match responses by id
    return GraphResponse(200, {"responses": answers})
