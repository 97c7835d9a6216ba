"""What route handlers need from the running simulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devtools.graph_simulator.faults import Faults
from devtools.graph_simulator.store import Store
from devtools.graph_simulator.subscriptions import Subscriptions


@dataclass
class RouteContext:
    store: Store
    subscriptions: Subscriptions
    faults: Faults
    base_url: Callable[[], str]
    page_cap: int
