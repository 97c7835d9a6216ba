"""A local Google Routes API (`computeRoutes`) simulator for tests, benchmarks and the demo."""

from devtools.routes_simulator.simulator import RoutesSimulator

__all__ = ["RoutesSimulator"]
