"""Running an `http.server` server from a daemon thread and stopping it cleanly.

Shared by the local Functions host and the local simulators (devtools may import shared, never the reverse).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_POLL_SECONDS = 0.05  # how soon serve_forever notices a shutdown request
_JOIN_SECONDS = 10.0


class ThreadedHTTPServer(ThreadingHTTPServer):
    """One thread per connection, and a record of open connections so that `stop` can end kept-alive ones."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self._connections: set[Any] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def close_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().close_request(request)

    def close_connections(self) -> None:
        """A kept-alive connection would otherwise pin its handler thread, still serving, after stop."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class ServerThread:
    """Serves one server from a daemon thread; `start` returns its base URL, `stop` may be called more than once."""

    def __init__(self, server: ThreadedHTTPServer, name: str, scheme: str = "http") -> None:
        self.server = server
        self._scheme = scheme
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS},
                                        name=name, daemon=True)
        self._stopped = False

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{self._scheme}://{host!s}:{port}"

    def start(self) -> str:
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join(timeout=_JOIN_SECONDS)
