from __future__ import annotations

import json
import json.decoder
import json.scanner
import sys
from collections.abc import Iterator

import azure.functions as func
import pytest
from pydantic import ValidationError

from functions.http.bodies import MAX_BODY_BYTES, MAX_BODY_DEPTH, nesting_depth, read_json
from functions.http.problems import from_validation_error, problem_for
from shared.domain.jobs import JobSettings


def json_body(req: func.HttpRequest) -> dict[str, object] | func.HttpResponse:
    """The body as a handler reads it, or the problem response its refusal becomes."""
    try:
        return read_json(req)
    except Exception as error:
        answer = problem_for(error)
        if answer is None:
            raise
        return answer


def _request(body: bytes) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://localhost/api/x", body=body)


def _problem(answer: object) -> dict[str, object]:
    assert isinstance(answer, func.HttpResponse)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    body: dict[str, object] = json.loads(answer.get_body())
    return body


def _padded_object(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    frame = b'{"note": ""}'
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


ONE_MB = 1024 * 1024  # the documented limit, spelled out so a changed constant fails here


def test_the_limit_is_one_mb() -> None:
    assert MAX_BODY_BYTES == ONE_MB


def test_a_body_one_byte_over_the_limit_is_413() -> None:
    body = _padded_object(ONE_MB + 1)

    answer = json_body(_request(body))

    assert len(body) == 1_048_577
    assert isinstance(answer, func.HttpResponse)
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    assert json.loads(answer.get_body()) == {
        "type": "about:blank", "title": "Payload Too Large", "status": 413,
        "detail": "the body is larger than 1048576 bytes", "errors": [],
    }


def test_a_body_of_exactly_the_limit_is_read() -> None:
    body = _padded_object(ONE_MB)

    read = json_body(_request(body))

    assert len(body) == 1_048_576
    assert isinstance(read, dict) and isinstance(read["note"], str)
    assert len(read["note"]) == ONE_MB - len(b'{"note": ""}')


@pytest.fixture(params=["C scanner", "Python scanner"])
def json_scanner(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """json.loads with either of the parsers CPython may use: they recurse differently per level."""
    if request.param == "Python scanner":
        decoder = json.decoder.JSONDecoder()
        monkeypatch.setattr(decoder, "scan_once", json.scanner.py_make_scanner(decoder))  # type: ignore[attr-defined]  # not in typeshed
        monkeypatch.setattr(json, "_default_decoder", decoder)
    yield


@pytest.fixture(params=[None, 10_000])
def recursion_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    """The interpreter's recursion limit is process-wide; test tools (Hypothesis) raise it while they run."""
    original = sys.getrecursionlimit()
    if request.param is not None:
        sys.setrecursionlimit(request.param)
    try:
        yield
    finally:
        sys.setrecursionlimit(original)


@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH, 5_000, 200_000])
def test_deeply_nested_bodies_are_a_400_whatever_the_parser_and_recursion_limit(
    depth: int, json_scanner: None, recursion_limit: None
) -> None:
    nested = b'{"categories": ' + b"[" * depth + b"]" * depth + b"}"

    body = _problem(json_body(_request(nested)))

    assert body["errors"] == [{"field": "body", "message": f"nested deeper than {MAX_BODY_DEPTH} levels"}]


@pytest.mark.parametrize(("text", "depth"), [
    (b"{}", 1),
    (b'{"a": [1, {"b": []}], "c": {}}', 4),
    (b'{"a": "[[[[{{{{"}', 1),
    (rb'{"a": "quote \" then [[[", "b": ["x\\"]}', 2),
    (b"[" * 70 + b"]" * 70, 70),
    (b"not json", 0),
])
def test_nesting_is_measured_on_the_text_and_ignores_brackets_inside_strings(text: bytes, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_a_body_nested_within_the_limit_is_read() -> None:
    depth = MAX_BODY_DEPTH - 1
    nested = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"

    assert isinstance(json_body(_request(nested)), dict)


@pytest.mark.parametrize("text", [rb'{"categories": ["\ud800"]}', rb'{"\udc00": 1}', rb'{"a": {"b": ["x\udbffy"]}}'])
def test_unpaired_surrogate_escapes_are_a_400(text: bytes) -> None:
    body = _problem(json_body(_request(text)))

    assert body["errors"] == [{"field": "body", "message": "a string holds an unpaired UTF-16 surrogate escape"}]


def test_a_paired_surrogate_escape_is_an_ordinary_character() -> None:
    read = json_body(_request(rb'{"categories": ["\ud83d\ude00 - billable"]}'))

    assert read == {"categories": ["\U0001f600 - billable"]}


def test_validation_errors_read_like_the_use_cases_messages() -> None:
    with pytest.raises(ValidationError) as refused:
        JobSettings.model_validate({"user": "not a mailbox", "run_hour": 24})

    body = json.loads(from_validation_error(refused.value).get_body())

    assert body["errors"] == [
        {"field": "user", "message": "must be a mailbox address (user principal name)"},
        {"field": "run_hour", "message": "Input should be less than or equal to 23"},
    ]
