"""A local Microsoft Graph v1.0 for tests and the demo.

Serves users, calendars, events, calendarView (with recurring series expanded), $batch and subscriptions over
HTTP on 127.0.0.1 with Graph's payload shapes, errors and throttling (per-mailbox concurrency, Retry-After), and
exposes its state, a request log and fault-injection knobs to tests. Start it with `GraphSimulator().start()`, the
`graph_sim` fixture (pytest_plugin) or `python -m devtools.graph_simulator --seed FILE` (seed format: seed.py).
"""

from __future__ import annotations

from devtools.graph_simulator.faults import Faults
from devtools.graph_simulator.models import RequestRecord
from devtools.graph_simulator.simulator import GraphSimulator
from devtools.graph_simulator.subscriptions import NotificationDeliveryError

__all__ = ["Faults", "GraphSimulator", "NotificationDeliveryError", "RequestRecord"]
