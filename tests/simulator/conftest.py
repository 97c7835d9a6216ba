from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from shared.runtime.http_serving import ServerThread, ThreadedHTTPServer

UPN = "adele@contoso.com"


@dataclass
class Graph:
    """A requests session pointed at the simulator, authenticated like our adapter would be."""

    base_url: str
    session: requests.Session

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.url(path), **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(self.url(path), json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.session.patch(self.url(path), json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.url(path), **kwargs)


@pytest.fixture
def graph(graph_sim: GraphSimulator) -> Iterator[Graph]:
    with requests.Session() as session:
        session.trust_env = False
        session.headers["Authorization"] = "Bearer test-token"
        yield Graph(graph_sim.base_url, session)


@pytest.fixture
def adele(graph_sim: GraphSimulator) -> str:
    return graph_sim.add_user(UPN, display_name="Adele Vance")


def event(subject: str, start: str, end: str, tz: str = "UTC", **extra: Any) -> dict[str, Any]:
    return {
        "subject": subject,
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        **extra,
    }


@dataclass
class Webhook:
    """A local endpoint standing in for our notification functions; behaviour is switchable per test."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    validations: list[str] = field(default_factory=list)
    echo_token: bool = True
    content_type: str = "text/plain"
    status: int = 202
    delay: float = 0.0  # seconds before answering a notification: a slow endpoint


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def do_POST(self) -> None:  # noqa: N802
            query = parse_qs(urlsplit(self.path).query)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if "validationToken" in query:
                token = query["validationToken"][0]
                hook.validations.append(token)
                answer = (token if hook.echo_token else "wrong").encode()
                self.send_response(200)
                self.send_header("Content-Type", hook.content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
            hook.received.append({"path": urlsplit(self.path).path, "body": json.loads(raw)})
            if hook.delay:
                time.sleep(hook.delay)
            self.send_response(hook.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    running = ServerThread(ThreadedHTTPServer(("127.0.0.1", 0), Handler), "test-webhook")
    hook.url = running.start()
    yield hook
    running.stop()
