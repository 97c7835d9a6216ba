from __future__ import annotations

import random
from typing import Any

import pytest

from shared.graph.batching import (
    MAX_BATCH_SIZE,
    NO_ANSWER,
    BatchRequest,
    chunked,
    run_batch,
    validate_batch,
)
from shared.graph.errors import GraphBadRequestError, GraphServiceError
from shared.graph.retry_policy import Backoff

PREFER = 'IdType="ImmutableId", outlook.timezone="UTC"'


def _items(n: int) -> list[BatchRequest]:
    return [BatchRequest(id=str(i), method="POST", url="/users/a@x.com/events", body={"n": i}) for i in range(n)]


class ScriptedGraph:
    """Answers each round from a script: status per item id (default 201), recording what was sent."""

    def __init__(self, script: list[dict[str, tuple[int, dict[str, str]]]]) -> None:
        self.script = script
        self.rounds: list[list[str]] = []

    def __call__(self, items: list[BatchRequest]) -> list[dict[str, Any]]:
        plan = self.script[len(self.rounds)] if len(self.rounds) < len(self.script) else {}
        self.rounds.append([item.id for item in items])
        answers = []
        for item in reversed(items):  # Graph may answer in any order
            status, headers = plan.get(item.id, (201, {}))
            body = {"id": f"ev-{item.id}"} if status < 300 else {"error": {"code": "Nope", "message": "no"}}
            answers.append({"id": item.id, "status": status, "headers": headers, "body": body})
        return answers


def _run(send: Any, items: list[BatchRequest], max_attempts: int = 6) -> tuple[list[Any], list[float]]:
    waits: list[float] = []
    responses = run_batch(items, send, max_attempts=max_attempts, backoff=Backoff(0.5, 30.0, random.Random(3)),
                          sleep=waits.append)
    return responses, waits


def test_chunking_splits_at_twenty() -> None:
    assert [len(c) for c in chunked(_items(21))] == [20, 1]
    assert [len(c) for c in chunked(_items(40))] == [20, 20]
    assert list(chunked([])) == []


def test_oversized_or_ambiguous_batches_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 20"):
        validate_batch(_items(MAX_BATCH_SIZE + 1))
    with pytest.raises(ValueError, match="duplicate"):
        validate_batch([*_items(2), _items(1)[0]])


def test_wire_items_carry_prefer_and_content_type() -> None:
    wire = BatchRequest(id="1", method="PATCH", url="users/a/events/1", body={"x": 1},
                        headers={"Prefer": 'outlook.body-content-type="text"'}).to_wire(PREFER)
    assert wire["url"] == "/users/a/events/1"
    assert wire["headers"]["Prefer"] == PREFER + ', outlook.body-content-type="text"'
    assert wire["headers"]["Content-Type"] == "application/json"
    get = BatchRequest(id="2", method="GET", url="/me").to_wire(PREFER)
    assert "body" not in get and "Content-Type" not in get["headers"]


def test_only_throttled_items_are_resent_after_the_longest_retry_after() -> None:
    send = ScriptedGraph([{"2": (429, {"Retry-After": "0.2"}), "5": (429, {"retry-after": "1.5"})}])
    responses, waits = _run(send, _items(8))
    assert send.rounds[1] == ["2", "5"]
    assert waits == [1.5]
    assert all(r.ok for r in responses)
    assert [r.id for r in responses] == [str(i) for i in range(8)]
    assert responses[2].attempts == 2 and responses[0].attempts == 1
    assert responses[5].body == {"id": "ev-5"}


def test_service_errors_back_off_exponentially() -> None:
    send = ScriptedGraph([{"0": (503, {})}, {"0": (504, {})}])
    responses, waits = _run(send, _items(2))
    assert send.rounds == [["0", "1"], ["0"], ["0"]]
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0
    assert responses[0].ok and responses[0].attempts == 3


def test_non_retryable_failures_settle_at_once() -> None:
    send = ScriptedGraph([{"1": (400, {}), "2": (500, {})}])
    responses, waits = _run(send, _items(3))
    assert len(send.rounds) == 1 and waits == []
    assert [r.status for r in responses] == [201, 400, 500]
    assert responses[1].describe_error() == "400 Nope: no"


def test_attempts_are_bounded_and_reported_per_item() -> None:
    always = {"1": (429, {"Retry-After": "0"})}
    send = ScriptedGraph([always] * 10)
    responses, waits = _run(send, _items(2), max_attempts=3)
    assert len(send.rounds) == 3 and len(waits) == 2
    assert responses[0].ok
    assert responses[1].status == 429 and responses[1].attempts == 3
    assert responses[1].describe_error() == "429 Nope: no (after 3 attempts)"


def test_items_missing_from_the_answer_are_resent() -> None:
    calls: list[list[str]] = []

    def forgetful(items: list[BatchRequest]) -> list[dict[str, Any]]:
        calls.append([i.id for i in items])
        shown = items if len(calls) > 1 else items[:1]
        return [{"id": i.id, "status": 200, "body": {"id": i.id}} for i in shown]

    responses, _ = _run(forgetful, _items(2))
    assert calls == [["0", "1"], ["1"]]
    assert all(r.ok for r in responses)


def test_a_batch_that_never_gets_through_is_reported_not_raised() -> None:
    def down(items: list[BatchRequest]) -> list[dict[str, Any]]:
        raise GraphServiceError("Service Unavailable", status=503, code="ServiceUnavailable", method="POST",
                                url="/$batch", attempts=6)

    responses, _ = _run(down, _items(2))
    assert [r.status for r in responses] == [503, 503]
    assert "ServiceUnavailable" in (responses[0].describe_error() or "")


def test_a_malformed_batch_is_our_bug_and_raises() -> None:
    def refuses(items: list[BatchRequest]) -> list[dict[str, Any]]:
        raise GraphBadRequestError("Invalid batch payload", status=400, code="BadRequest", method="POST",
                                   url="/$batch")

    with pytest.raises(GraphBadRequestError):
        _run(refuses, _items(1))


def test_no_answer_status_is_distinct() -> None:
    def silent(items: list[BatchRequest]) -> list[dict[str, Any]]:
        return []

    responses, waits = _run(silent, _items(1), max_attempts=2)
    assert responses[0].status == NO_ANSWER and len(waits) == 1
    assert (responses[0].describe_error() or "").startswith("no answer MissingBatchResponse")
