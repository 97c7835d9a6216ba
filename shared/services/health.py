"""Whether the app's dependencies answer: what `GET /api/health` reports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from shared.bootstrap import Container

logger = logging.getLogger(__name__)

Probe = Callable[[], None]



class HealthReport(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(description="Each dependency and `ok`, or what is wrong with it.")


def storage_probe(dependencies: Callable[[], Container]) -> Probe:
    """A round trip to Table storage: open (create if needed) the audit table and read at most one row of it."""

    def probe() -> None:
        deps = dependencies()  # inside the probe: invalid storage settings are a failed check too
        table = deps.tables.table(deps.settings.audit_table)
        next(iter(table.query_entities("PartitionKey eq 'health-probe'", results_per_page=1)), None)

    return probe


def check_health(probes: dict[str, Probe]) -> HealthReport:
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as error:  # any failure of a dependency is what this report is for
            logger.warning("health check %s failed: %s", name, type(error).__name__)
            # The type only: messages of storage errors can carry endpoints and account names.
            checks[name] = f"unavailable ({type(error).__name__})"
    status = "ok" if all(value == "ok" for value in checks.values()) else "unavailable"
    return HealthReport(status=status, checks=checks)
