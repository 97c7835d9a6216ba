"""The one way tests wait: poll a condition until it holds, with a deadline instead of a sleep."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.01,
             what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy and return that; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:.1f}s (last value: {value!r})")
        time.sleep(interval)
