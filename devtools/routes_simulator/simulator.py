"""RoutesSimulator: a local Google Routes API (`POST /directions/v2:computeRoutes`) for tests and the demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from devtools.routes_simulator.distances import PLACES
from devtools.routes_simulator.engine import Engine, RecordedRoute
from devtools.routes_simulator.faults import FaultKind
from devtools.routes_simulator.server import RoutesHTTPServer
from shared.runtime.http_serving import ServerThread

# Shaped like a real key (they start with "AIza"), so clients that check the prefix accept it.
SIM_API_KEY = "AIzaSimulatorKey000000000000000000000"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RoutesSimulator:
    """Point a Routes client's base URL at `base_url`. Places it knows are in `distances.PLACES`."""

    def __init__(self, api_key: str = SIM_API_KEY, *, clock: Callable[[], datetime] = _utc_now,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.engine = Engine(api_key=api_key, clock=clock)
        self._running: ServerThread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.engine.api_key

    def start(self) -> str:
        if self._running is None:
            server = RoutesHTTPServer((self.host, self.port), self.engine)
            self.port = int(server.server_address[1])
            self._running = ServerThread(server, "routes-simulator")
            self._running.start()
        return self.base_url

    def stop(self) -> None:
        running, self._running = self._running, None
        if running is not None:
            running.stop()

    def __enter__(self) -> RoutesSimulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- behaviour -------------------------------------------------------------------------------------------
    def fail_next(self, kind: FaultKind, times: int = 1) -> None:
        self.engine.faults.add(kind, times)

    def clear_faults(self) -> None:
        self.engine.faults.clear()

    def set_distance(self, a: str, b: str, km: float) -> None:
        """Between two of the known place ids (`distances.PLACES` keys)."""
        if a not in PLACES or b not in PLACES:
            raise ValueError(f"unknown place id; known: {', '.join(PLACES)}")
        self.engine.kilometres[frozenset({a, b})] = km

    # --- observation -----------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRoute]:
        return self.engine.requests()

    def clear_requests(self) -> None:
        self.engine.clear()
