"""The repository interfaces services depend on; Table Storage and in-memory implementations both satisfy them.

Date ranges: `start`/`end` may be dates (whole days, both inclusive) or aware datetimes (both inclusive).
Continuations are opaque strings returned in `Page.continuation`; pass one back to get the next page. Pages come in
key order (audit: per user, oldest first; conflicts: per day) and are full until the last one.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from shared.ai.answers import ModelAnswer
from shared.domain.conflicts import Conflict, ConflictStatus
from shared.domain.jobs import ArchiveJob
from shared.domain.places import Place, TravelSettings, UserPlaces
from shared.domain.rounding import CustomerSettings
from shared.domain.subscriptions import SubscriptionRecord
from shared.domain.suggestion_rules import SuggestionRule
from shared.domain.suggestions import Suggestion, SuggestionStatus
from shared.domain.timesheet_models import IssuedSnapshot, Timesheet
from shared.domain.travel_schedule import TravelAlert
from shared.storage.models import AuditEntry, IssueRecord, Page, PrivacyChangeRecord
from shared.storage.timesheet_records import TimesheetFile, TimesheetRecord
from shared.storage.travel_times import CachedTravelTime, CacheMode

DateBound = dt.date | dt.datetime


class AuditLog(Protocol):
    def record(self, entry: AuditEntry) -> None: ...

    def query(
        self,
        user: str | None = None,
        start: DateBound | None = None,
        end: DateBound | None = None,
        action: str | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[AuditEntry]: ...


class ConflictRepository(Protocol):
    def upsert(self, conflict: Conflict) -> Conflict: ...

    def upsert_many(self, conflicts: Iterable[Conflict]) -> list[Conflict]: ...

    def get(self, conflict_id: str) -> Conflict | None: ...

    def query(
        self,
        user: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        status: ConflictStatus | None = None,
        page_size: int = 100,
        continuation: str | None = None,
    ) -> Page[Conflict]: ...

    def save(self, conflict: Conflict) -> Conflict: ...


class JobRepository(Protocol):
    def get(self, job_id: str) -> ArchiveJob | None: ...

    def list(self, enabled_only: bool = False) -> builtins.list[ArchiveJob]: ...

    def save(self, job: ArchiveJob) -> ArchiveJob: ...

    def delete(self, job_id: str) -> bool: ...


class SubscriptionRepository(Protocol):
    def get(self, subscription_id: str) -> SubscriptionRecord | None: ...

    def for_user(self, user: str) -> list[SubscriptionRecord]: ...

    def list(self) -> builtins.list[SubscriptionRecord]: ...

    def save(self, record: SubscriptionRecord) -> SubscriptionRecord: ...

    def delete(self, subscription_id: str) -> bool: ...


class DedupStore(Protocol):
    def first_seen(self, key: str, ttl_hint: dt.timedelta | None = None) -> bool: ...

    def forget(self, key: str) -> None: ...

    def purge_expired(self) -> int: ...


class PrivacyLog(Protocol):
    def record(self, change: PrivacyChangeRecord) -> None: ...

    def for_user(
        self, user: str, start: DateBound | None = None, end: DateBound | None = None
    ) -> list[PrivacyChangeRecord]: ...


class IssueLog(Protocol):
    def record(self, user: str, day: dt.date, issues: list[str], source: str) -> None: ...

    def for_user(self, user: str, start: dt.date | None = None, end: dt.date | None = None) -> list[IssueRecord]: ...


class CustomerSettingsRepository(Protocol):
    def get(self, user: str, customer: str) -> CustomerSettings | None: ...

    def for_user(self, user: str) -> dict[str, CustomerSettings]: ...

    def save(self, user: str, customer: str, settings: CustomerSettings) -> CustomerSettings: ...

    def delete(self, user: str, customer: str) -> bool: ...


class TimesheetRepository(Protocol):
    """Timesheet records and their content and files (see shared/storage/timesheets.py)."""

    def get(self, user: str, timesheet_id: str) -> TimesheetRecord | None: ...

    def find(self, timesheet_id: str) -> TimesheetRecord | None: ...

    def list(self, user: str, page_size: int = 50, continuation: str | None = None) -> Page[TimesheetRecord]: ...

    def save(self, record: TimesheetRecord) -> TimesheetRecord: ...

    def issued_for(self, user: str, customer: str) -> builtins.list[IssuedSnapshot]: ...

    def put_content(self, user: str, timesheet_id: str, sheet: Timesheet) -> None: ...

    def content(self, user: str, timesheet_id: str) -> Timesheet | None: ...

    def put_file(self, user: str, timesheet_id: str, kind: str, name: str, data: bytes) -> TimesheetFile: ...

    def read_file(self, blob: str) -> bytes | None: ...

    def template(self, user: str) -> bytes | None: ...


class SuggestionRuleRepository(Protocol):
    def list(self, user: str) -> builtins.list[SuggestionRule]: ...

    def get(self, user: str, rule_id: str) -> SuggestionRule | None: ...

    def save(self, rule: SuggestionRule) -> SuggestionRule: ...

    def delete(self, user: str, rule_id: str) -> bool: ...


class SuggestionRepository(Protocol):
    def get(self, user: str | None, suggestion_id: str) -> Suggestion | None: ...

    def save(self, suggestion: Suggestion) -> Suggestion: ...

    def query(
        self, user: str, start: dt.datetime | None = None, end: dt.datetime | None = None,
        status: SuggestionStatus | None = None,
    ) -> builtins.list[Suggestion]: ...


class ModelAnswerCache(Protocol):
    def get(self, user: str, key: str) -> ModelAnswer | None: ...

    def put(self, user: str, key: str, answer: ModelAnswer, model: str) -> None: ...


class ModelUsageCounter(Protocol):
    def used(self, user: str, day: dt.date) -> int: ...

    def take(self, user: str, day: dt.date, cap: int) -> bool: ...


class PlaceRepository(Protocol):
    def load(self, user: str) -> UserPlaces: ...

    def places(self, user: str) -> builtins.list[Place]: ...

    def settings(self, user: str) -> TravelSettings: ...

    def save_place(self, user: str, place: Place) -> Place: ...

    def delete_place(self, user: str, name: str) -> bool: ...

    def save_settings(self, user: str, settings: TravelSettings) -> TravelSettings: ...


class TravelTimeCache(Protocol):
    def get(self, route: str, mode: CacheMode, hour: int) -> CachedTravelTime | None: ...

    def put(self, item: CachedTravelTime) -> None: ...


class TravelAlertRepository(Protocol):
    def replace_day(self, user: str, day: dt.date, alerts: builtins.list[TravelAlert]) -> None: ...

    def query(self, user: str, start: dt.date, end: dt.date) -> builtins.list[TravelAlert]: ...
