"""The composition root: builds the adapters from settings (lazily, once per process) and the use cases from them.

Triggers, commands and activities ask the container for a use case and only translate its input and output. Tests
build `Container(settings, adapter=replacement, ...)` instead of patching module globals."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from shared.adapters import Adapters
from shared.config import get_settings

if TYPE_CHECKING:
    from shared.services.archive.starts import ArchiveStarts
    from shared.services.conflict_resolution import ConflictResolution
    from shared.services.customer_admin import CustomerAdmin
    from shared.services.job_admin import JobAdmin
    from shared.services.job_schedule import JobSchedule
    from shared.services.known_categories import KnownCategories
    from shared.services.live_rules import LiveRules
    from shared.services.notification_worker import NotificationWorker
    from shared.services.notifications import NotificationIntake
    from shared.services.place_admin import PlaceAdmin
    from shared.services.rule_admin import RuleAdmin
    from shared.services.subscriptions import SubscriptionManager
    from shared.services.suggestion_days import SuggestionDays
    from shared.services.suggestions import SuggestionService
    from shared.services.timesheet_schedule import MonthlyTimesheets
    from shared.services.timesheets import TimesheetService
    from shared.services.travel_planner import TravelPlanner
    from shared.services.travel_replan import TravelReplans
    from shared.services.travel_runs import DailyTravel, TravelRequests


class Container(Adapters):
    """Everything an activity, trigger or command needs: the adapters, and the use cases built from them."""

    # Cheap to build, so built on each request from the adapters (a replaced adapter is seen).

    @property
    def job_admin(self) -> JobAdmin:
        from shared.services.job_admin import JobAdmin

        return JobAdmin(self.jobs, self.audit)

    @property
    def archive_starts(self) -> ArchiveStarts:
        from shared.services.archive.starts import ArchiveStarts

        return ArchiveStarts(self.jobs, self.audit, self.clock)

    @property
    def conflict_resolution(self) -> ConflictResolution:
        from shared.services.conflict_resolution import ConflictResolution

        return ConflictResolution(self.conflicts, self.jobs, self.audit, self.archive_starts, self.clock)

    @property
    def notification_intake(self) -> NotificationIntake:
        from shared.services.notifications import NotificationIntake

        return NotificationIntake(self.subscriptions, self.dedup, self.notification_queue)

    @property
    def live_rules(self) -> LiveRules:
        from shared.services.live_rules import LiveRules

        return LiveRules(self.calendars, self.jobs, self.privacy_log, self.issue_log, self.conflicts, self.audit,
                         self.source_index, self.clock, suggest=self.suggestions().suggest)

    @property
    def subscription_manager(self) -> SubscriptionManager:
        from shared.services.subscriptions import SubscriptionManager

        return SubscriptionManager(
            self.graph_subscriptions, self.subscriptions, self.jobs, self.audit,
            lifetime_minutes=self.settings.subscription_lifetime_minutes,
            base_url=self.settings.notification_base_url, clock=self.clock,
        )

    def timesheets(self, archive_calendar: str | None = None) -> TimesheetService:
        """The timesheet use case reading `archive_calendar`, else the user's job's archive calendar."""
        from shared.services.archive_reader import CalendarArchiveReader
        from shared.services.timesheets import TimesheetService

        return TimesheetService(
            CalendarArchiveReader(self.calendars, self.jobs, archive_calendar), self.conflicts, self.customers,
            self.timesheet_store, self.audit, self.drive, clock=self.clock, folder=self.settings.timesheet_folder,
        )

    @property
    def customer_admin(self) -> CustomerAdmin:
        from shared.services.customer_admin import CustomerAdmin

        return CustomerAdmin(self.customers, self.audit)

    @property
    def monthly_timesheets(self) -> MonthlyTimesheets:
        from shared.services.timesheet_schedule import MonthlyTimesheets

        return MonthlyTimesheets(self.job_schedule(self.settings.timesheet_schedule), self.timesheets)

    @property
    def known_categories(self) -> KnownCategories:
        from shared.services.known_categories import KnownCategories
        from shared.services.source_history import SourceCalendarReader

        return KnownCategories(self.master_categories, SourceCalendarReader(self.calendars, self.jobs), self.clock)

    @property
    def rule_admin(self) -> RuleAdmin:
        from shared.services.rule_admin import RuleAdmin

        return RuleAdmin(self.suggestion_rules, self.known_categories.for_user, self.audit, clock=self.clock)

    def suggestions(self, archive_calendar: str | None = None) -> SuggestionService:
        """The suggestion use case; accepting also writes to the copy in `archive_calendar` (default: the archive
        calendar of the user's job, else `Archive`).
        History is read from the user's source calendar (see shared/services/source_history.py)."""
        from shared.services.model_pass import ModelPass
        from shared.services.source_history import SourceCalendarReader
        from shared.services.suggestion_accept import Acceptance
        from shared.services.suggestions import SuggestionService

        known = self.known_categories
        acceptance = Acceptance(self.suggestion_store, self.calendars, self.privacy_log, self.rule_admin,
                                known.for_user, archive_calendar=archive_calendar, jobs=self.jobs, clock=self.clock)
        model = ModelPass(self.category_model, self.model_cache, self.model_usage,
                          self.settings.suggestion_daily_calls)
        return SuggestionService(self.suggestion_rules, self.suggestion_store, known,
                                 SourceCalendarReader(self.calendars, self.jobs), self.privacy_log, self.audit, model,
                                 acceptance, threshold=self.settings.suggestion_threshold, clock=self.clock)

    @property
    def suggestion_days(self) -> SuggestionDays:
        from shared.services.source_history import SourceCalendarReader
        from shared.services.suggestion_days import SuggestionDays

        return SuggestionDays(self.suggestions(), SourceCalendarReader(self.calendars, self.jobs), self.jobs,
                              self.clock)

    @property
    def notification_worker(self) -> NotificationWorker:
        from shared.services.notification_worker import NotificationWorker

        return NotificationWorker(self.live_rules, self.subscription_manager, self.audit, travel=self.travel_replans)

    @property
    def place_admin(self) -> PlaceAdmin:
        from shared.services.place_admin import PlaceAdmin

        return PlaceAdmin(self.places, self.audit)

    @property
    def travel_planner(self) -> TravelPlanner:
        from shared.services.travel_planner import TravelPlanner

        return TravelPlanner(self.calendars, self.places, self.routes, self.travel_times, self.travel_alerts,
                             self.show_as_log, self.audit, clock=self.clock)

    @property
    def travel_requests(self) -> TravelRequests:
        from shared.services.travel_runs import TravelRequests

        return TravelRequests(self.travel_planner, self.places, self.clock)

    @property
    def travel_replans(self) -> TravelReplans:
        from datetime import timedelta

        from shared.services.travel_replan import TravelReplans

        return TravelReplans(self.travel_planner, self.places, self.calendars, self.dedup, self.notification_queue,
                             timedelta(seconds=self.settings.travel_replan_delay_seconds))

    @property
    def daily_travel(self) -> DailyTravel:
        from shared.services.travel_runs import DailyTravel

        return DailyTravel(self.job_schedule(self.settings.travel_schedule), self.travel_planner,
                           self.settings.travel_days_ahead)

    def job_schedule(self, schedule: str) -> JobSchedule:
        from shared.services.job_schedule import JobSchedule

        return JobSchedule(self.jobs, self.dedup, self.audit, schedule, self.clock)


_lock = threading.Lock()
_container: Container | None = None


def container() -> Container:
    global _container
    with _lock:
        if _container is None:
            _container = Container(get_settings())
        return _container


def reset_container(replacement: Container | None = None) -> None:
    """Forget the current adapters (tests and the CLI change settings between runs)."""
    global _container
    with _lock:
        _container = replacement
    get_settings.cache_clear()
