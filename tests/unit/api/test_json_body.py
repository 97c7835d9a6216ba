from __future__ import annotations

import json

import azure.functions as func
import pytest
from pydantic import ValidationError

from functions.http_problem import MAX_BODY_DEPTH, from_validation_error, json_body
from shared.services.api_models import JobSettings


def _request(body: bytes) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://localhost/api/x", body=body)


def _problem(answer: object) -> dict[str, object]:
    assert isinstance(answer, func.HttpResponse)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    body: dict[str, object] = json.loads(answer.get_body())
    return body


@pytest.mark.parametrize("depth", [MAX_BODY_DEPTH, 5_000, 200_000])
def test_deeply_nested_bodies_are_a_400_not_a_recursion_error(depth: int) -> None:
    nested = b'{"categories": ' + b"[" * depth + b"]" * depth + b"}"

    body = _problem(json_body(_request(nested)))

    assert body["errors"] == [{"field": "body", "message": f"nested deeper than {MAX_BODY_DEPTH} levels"}]


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
