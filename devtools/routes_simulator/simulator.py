"""RoutesSimulator: a local Google Routes API (`POST /directions/v2:computeRoutes`) for tests and the demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from devtools.routes_simulator.distances import PLACES
from devtools.routes_simulator.engine import Engine, RecordedRoute
from devtools.routes_simulator.faults import FaultKind
from devtools.routes_simulator.server import RoutesHTTPServer
from devtools.serving import LocalServer

# Shaped like a real key (they start with "AIza"), so clients that check the prefix accept it.
SIM_API_KEY = "AIzaSimulatorKey000000000000000000000"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RoutesSimulator(LocalServer):
    """Point a Routes client's base URL at `base_url`. Places it knows are in `distances.PLACES`."""

    thread_name = "routes-simulator"

    def __init__(self, api_key: str = SIM_API_KEY, *, clock: Callable[[], datetime] = _utc_now,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self.engine = Engine(api_key=api_key, clock=clock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _server(self) -> RoutesHTTPServer:
        return RoutesHTTPServer((self.host, self.port), self.engine)

    @property
    def api_key(self) -> str:
        return self.engine.api_key

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
