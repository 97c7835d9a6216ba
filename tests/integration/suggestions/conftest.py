"""The suggestion use case on real adapters: the Graph simulator, Azurite and the OpenAI simulator."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.graph_simulator import GraphSimulator
from devtools.openai_simulator import OpenAISimulator
from devtools.openai_simulator.pytest_plugin import openai_sim  # noqa: F401
from shared.ai.providers import ModelSettings, openai_model
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID
from shared.graph import GraphClient, StaticTokenProvider
from shared.graph.calendars import CalendarService
from shared.graph.master_categories import MasterCategoryService
from shared.services.archive_reader import CalendarArchiveReader
from shared.services.audit import AuditService
from shared.services.known_categories import KnownCategories
from shared.services.model_pass import ModelPass
from shared.services.rule_admin import RuleAdmin
from shared.services.suggestion_accept import Acceptance
from shared.services.suggestions import SuggestionService
from shared.storage.audit_log import TableAuditLog
from shared.storage.jobs import TableJobRepository
from shared.storage.model_cache import TableModelCache, TableModelUsage
from shared.storage.privacy_log import TablePrivacyLog
from shared.storage.suggestion_rules import TableSuggestionRuleRepository
from shared.storage.suggestions import TableSuggestionRepository
from shared.storage.tables import TableStore

USER = "megan@contoso.example"
NOW = dt.datetime(2026, 11, 25, 18, 0, tzinfo=dt.UTC)
KNOWN = ["Acme - billable", "Globex - non-billable", "Admin - non-billable"]


@dataclass
class Stack:
    graph: GraphSimulator
    openai: OpenAISimulator
    archive_id: str
    service: SuggestionService
    rules: RuleAdmin
    suggestions: TableSuggestionRepository
    privacy: TablePrivacyLog
    audit: TableAuditLog
    usage: TableModelUsage

    def source(self, subject: str, day: int = 24, hour: int = 10, minutes: int = 30, **extra: Any) -> dict[str, Any]:
        return self.graph.add_event(USER, event(subject, day, hour, minutes, categories=[], **extra))

    def archived(self, subject: str, category: str, days_ago: int, **extra: Any) -> dict[str, Any]:
        day = NOW - dt.timedelta(days=days_ago)
        return self.graph.add_event(USER, event(subject, day.day, 9, 30, month=day.month, categories=[category],
                                                **extra), self.archive_id)

    def copy_of(self, source: dict[str, Any]) -> dict[str, Any]:
        copy = {k: source[k] for k in ("subject", "start", "end", "categories", "sensitivity")}
        copy["singleValueExtendedProperties"] = [{"id": SOURCE_EVENT_PROPERTY_ID, "value": source["id"]}]
        return self.graph.add_event(USER, copy, self.archive_id)

    def audit_rows(self, operation: str) -> list[Any]:
        return [e for e in self.audit.query(user=USER).items if e.operation == operation]


def event(subject: str, day: int, hour: int, minutes: int, month: int = 11, **extra: Any) -> dict[str, Any]:
    start = dt.datetime(2026, month, day, hour, 0)
    end = start + dt.timedelta(minutes=minutes)
    return {"subject": subject, "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
            "end": {"dateTime": end.isoformat(), "timeZone": "UTC"}, "sensitivity": "normal", **extra}


@pytest.fixture(scope="module")
def table_store(storage_connection_string: str) -> Iterator[TableStore]:
    store = TableStore.from_connection_string(storage_connection_string)
    yield store
    store.close()


@pytest.fixture
def table_name() -> Callable[[str], str]:
    return lambda prefix: f"{prefix}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def graph() -> Iterator[GraphSimulator]:
    with GraphSimulator(token="test-token") as sim:
        yield sim


def build_stack(graph: GraphSimulator, openai: OpenAISimulator, table_store: TableStore,
                table_name: Callable[[str], str], *, model_on: bool = True, daily_cap: int = 100) -> Stack:
    graph.add_user(USER, display_name="Megan Bowen")
    archive_id = graph.add_calendar(USER, "Archive")
    client = GraphClient(graph.base_url, StaticTokenProvider("test-token"), backoff_base=0.01, backoff_max=0.05,
                         sleep=lambda seconds: None)
    calendars = CalendarService(client)
    masters = MasterCategoryService(client)
    for name in [*KNOWN, "Red category"]:
        masters.create(USER, name)
    clock = lambda: NOW  # noqa: E731
    audit_log = TableAuditLog(table_store, table_name("Audit"))
    audit = AuditService(audit_log, clock=clock)
    archive = CalendarArchiveReader(calendars, TableJobRepository(table_store, table_name("Jobs")), "Archive")
    known = KnownCategories(masters, archive, clock=clock)
    rules_repo = TableSuggestionRuleRepository(table_store, table_name("Rules"))
    suggestions = TableSuggestionRepository(table_store, table_name("Suggest"))
    privacy = TablePrivacyLog(table_store, table_name("Privacy"))
    usage = TableModelUsage(table_store, table_name("Usage"))
    rule_admin = RuleAdmin(rules_repo, known.for_user, audit, clock=clock)
    model = openai_model(ModelSettings(provider="openai", base_url=openai.base_url), lambda: "sk-sim") \
        if model_on else None
    model_pass = ModelPass(model, TableModelCache(table_store, table_name("Cache"), clock=clock), usage, daily_cap)
    acceptance = Acceptance(suggestions, calendars, privacy, rule_admin, known.for_user, clock=clock)
    service = SuggestionService(rules_repo, suggestions, known, archive, privacy, audit, model_pass, acceptance,
                                clock=clock)
    return Stack(graph, openai, archive_id, service, rule_admin, suggestions, privacy, audit_log, usage)


@pytest.fixture
def stack(graph: GraphSimulator, openai_sim: OpenAISimulator, table_store: TableStore,  # noqa: F811
          table_name: Callable[[str], str]) -> Stack:
    return build_stack(graph, openai_sim, table_store, table_name)
