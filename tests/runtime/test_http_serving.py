from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from shared.runtime.http_serving import ServerThread, ThreadedHTTPServer


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a connection outlives its request

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
        return


def _handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("Thread-") and "process_request" in t.name]


def test_start_serves_at_the_returned_url_and_stop_ends_serving() -> None:
    running = ServerThread(ThreadedHTTPServer(("127.0.0.1", 0), _Hello), "test-serving")
    url = running.start()

    assert requests.get(url, timeout=5).text == "hello"
    running.stop()
    running.stop()  # a second stop is harmless

    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=5)


def test_stop_closes_kept_alive_connections() -> None:
    running = ServerThread(ThreadedHTTPServer(("127.0.0.1", 0), _Hello), "test-serving")
    host, port = running.start().removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", "/")
    assert connection.getresponse().read() == b"hello"
    before = _handler_threads()
    assert before, "the kept-alive connection has a handler thread"

    running.stop()

    assert connection.sock is not None
    assert connection.sock.recv(1) == b""  # the server hung up instead of waiting for the next request
    for thread in before:
        thread.join(timeout=5)
        assert not thread.is_alive()
