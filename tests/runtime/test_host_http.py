from __future__ import annotations

import socket
from urllib.parse import urlsplit

import requests

from shared.runtime.host_http import MAX_REQUEST_BODY


def _assert_problem(response: requests.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


def test_route_params_query_and_headers_reach_the_function(base_url: str) -> None:
    response = requests.get(
        f"{base_url}/api/hello/Ann%20Lee/Good-day", params={"lang": "en", "tag": ["a", "b"]},
        headers={"X-Trace": "t-1"}, timeout=10,
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["route"] == {"name": "Ann Lee", "greeting": "Good-day"}
    assert body["query"] == {"lang": "en", "tag": "a,b"}
    assert body["header"] == "t-1"
    assert body["url"].startswith(f"{base_url}/api/hello/Ann%20Lee/Good-day?")


def test_optional_route_param_may_be_left_out(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/hello/Bo", timeout=10)

    assert response.status_code == 200
    assert response.json()["route"] == {"name": "Bo"}


def test_literal_segment_wins_over_parameter_and_constraints_are_checked(base_url: str) -> None:
    assert requests.get(f"{base_url}/api/items/special", timeout=10).text == "special"
    assert requests.get(f"{base_url}/api/items/42", timeout=10).text == "item 42 via GET"
    assert requests.delete(f"{base_url}/api/items/42", timeout=10).text == "item 42 via DELETE"
    _assert_problem(requests.get(f"{base_url}/api/items/forty-two", timeout=10), 404)


def test_response_status_headers_and_body_are_passed_through(base_url: str) -> None:
    payload = bytes(range(256)) * 4
    response = requests.post(f"{base_url}/api/echo", data=payload,
                             headers={"Content-Type": "application/octet-stream"}, timeout=10)

    assert response.status_code == 201
    assert response.content == payload
    assert response.headers["X-Echo-Length"] == str(len(payload))
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_mimetype_becomes_content_type_when_the_function_sets_none(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/plain", timeout=10)

    assert response.status_code == 203
    assert response.text == "just text"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_unknown_routes_are_404_problems(base_url: str) -> None:
    _assert_problem(requests.get(f"{base_url}/api/nope", timeout=10), 404)
    _assert_problem(requests.get(f"{base_url}/elsewhere", timeout=10), 404)


def test_other_method_on_a_known_route_is_404_as_in_azure(base_url: str) -> None:
    # Azure's host answers a method no function declares with 404 (azure-functions-host#10098), not 405.
    response = requests.put(f"{base_url}/api/items/7", timeout=10)

    _assert_problem(response, 404)
    assert "Allow" not in response.headers


def test_body_over_one_megabyte_is_refused_before_the_function_runs(base_url: str) -> None:
    too_big = requests.post(f"{base_url}/api/echo", data=b"x" * (MAX_REQUEST_BODY + 1), timeout=10)
    at_limit = requests.post(f"{base_url}/api/echo", data=b"x" * MAX_REQUEST_BODY, timeout=10)

    _assert_problem(too_big, 413)
    assert "X-Echo-Length" not in too_big.headers
    assert at_limit.status_code == 201
    assert at_limit.headers["X-Echo-Length"] == str(MAX_REQUEST_BODY)


def test_chunked_body_over_the_limit_is_refused(base_url: str) -> None:
    def chunks():
        for _ in range(5):
            yield b"y" * (300 * 1024)

    response = requests.post(f"{base_url}/api/echo", data=chunks(), timeout=10)

    _assert_problem(response, 413)


def test_chunked_body_under_the_limit_reaches_the_function(base_url: str) -> None:
    response = requests.post(f"{base_url}/api/echo", data=iter([b"ab", b"cd", b"ef"]), timeout=10)

    assert response.status_code == 201
    assert response.content == b"abcdef"


def test_unhandled_exception_is_500_without_traceback_or_message(base_url: str) -> None:
    response = requests.get(f"{base_url}/api/boom", timeout=10)

    body = _assert_problem(response, 500)
    text = response.text
    assert "Traceback" not in text and "hunter2" not in text and "RuntimeError" not in text
    assert "boom" in str(body["detail"])


def test_malformed_content_length_is_a_400_problem(base_url: str) -> None:
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(b"POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        reply = conn.recv(4096).decode()

    assert reply.startswith("HTTP/1.1 400")
    assert "application/problem+json" in reply
