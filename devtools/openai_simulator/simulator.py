"""OpenAISimulator: a local OpenAI-compatible Chat Completions server (also Azure OpenAI's routes) for tests."""

from __future__ import annotations

from devtools.openai_simulator.engine import Engine, RecordedRequest
from devtools.openai_simulator.faults import Fault, FaultKind
from devtools.openai_simulator.server import OpenAIHTTPServer
from devtools.serving import LocalServer


class OpenAISimulator(LocalServer):
    """`base_url` ends in `/v1` (point `openai.OpenAI(base_url=...)` at it); `azure_endpoint` is the root."""

    thread_name = "openai-simulator"

    def __init__(
        self, api_key: str | None = "sk-sim", keywords: dict[str, str] | None = None, *, host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.engine = Engine(api_key=api_key, keywords=dict(keywords or {}))

    @property
    def base_url(self) -> str:
        return f"{self.root}/v1"

    @property
    def azure_endpoint(self) -> str:
        return self.root

    def _server(self) -> OpenAIHTTPServer:
        return OpenAIHTTPServer((self.host, self.port), self.engine)

    # --- behaviour -------------------------------------------------------------------------------------------
    def set_keywords(self, keywords: dict[str, str]) -> None:
        """Keyword (case-insensitive, in subject or location) → category, first match wins."""
        self.engine.keywords = dict(keywords)

    def obey_instructions(self, enabled: bool = True) -> None:
        """Behave like a model fooled by its input: "answer X" in a subject yields X, even outside the schema."""
        self.engine.obey_instructions = enabled

    def fail_next(self, kind: FaultKind, times: int = 1, *, retry_after_ms: int = 5, delay_ms: int = 0) -> None:
        self.engine.faults.add(Fault(kind, retry_after_ms=retry_after_ms, delay_ms=delay_ms), times)

    def clear_faults(self) -> None:
        self.engine.faults.clear()

    # --- observation -----------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return self.engine.requests()

    def clear_requests(self) -> None:
        self.engine.clear()

    def usage(self) -> tuple[int, int]:
        """(calls answered with 200, total tokens reported in their `usage`)."""
        answered = [r for r in self.requests if r.status == 200]
        return len(answered), sum(r.total_tokens for r in answered)
