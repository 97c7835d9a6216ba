"""Value objects passed between the HTTP front, the batch executor and the route handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GraphRequest:
    method: str
    path: str  # relative to /v1.0, e.g. "/users/adele@contoso.com/calendarView"
    query: dict[str, str]
    headers: dict[str, str]
    body: Any = None
    request_id: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def param(self, name: str) -> str | None:
        """A query option by name, case-insensitive and with or without its `$` (Graph accepts both)."""
        wanted = name.lstrip("$").lower()
        for key, value in self.query.items():
            if key.lstrip("$").lower() == wanted:
                return value
        return None


@dataclass
class GraphResponse:
    status: int
    body: Any = None  # dict for JSON, str for text/plain, None for no content
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestRecord:
    """One request as the simulator saw it; batch items are recorded individually."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int
    mailbox: str | None
    started: float
    finished: float
    batch_item: bool
    body: Any
    request_id: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None
