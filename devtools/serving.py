"""What every local simulator's server does the same way: start on first use, stop once, serve in a `with`."""

from __future__ import annotations

from types import TracebackType
from typing import ClassVar, Self

from shared.runtime.http_serving import ServerThread, ThreadedHTTPServer


class LocalServer:
    thread_name: ClassVar[str]

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._running: ServerThread | None = None

    @property
    def root(self) -> str:
        """`http://host:port` once started (the port is the one the system gave); empty before."""
        return f"http://{self.host}:{self.port}" if self._running is not None else ""

    @property
    def base_url(self) -> str:
        return self.root

    def _server(self) -> ThreadedHTTPServer:
        raise NotImplementedError

    def start(self) -> str:
        if self._running is None:
            server = self._server()
            self.port = int(server.server_address[1])
            self._running = ServerThread(server, self.thread_name)
            self._running.start()
        return self.base_url

    def stop(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
