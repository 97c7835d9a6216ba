"""The timesheet use case: build per-customer timesheets of a period, store and upload their files, issue them."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from pydantic import ValidationError

from shared.domain.conflicts import Conflict
from shared.domain.dates import UnknownTimeZoneError, load_zone
from shared.domain.errors import InvalidInput, NotFound, StateConflict
from shared.domain.mailbox import checked_mailbox
from shared.domain.timesheet import build_timesheets, customer_key
from shared.domain.timesheet_models import (
    ConflictItemView,
    ConflictView,
    ExcludedItem,
    IssuedSnapshot,
    Period,
    Timesheet,
)
from shared.domain.timestamps import utc_now
from shared.graph.errors import GraphError
from shared.reports.pdf_template import load_template
from shared.services.audit import AuditService
from shared.services.timesheet_files import CONTENT_TYPES, DEFAULT_FOLDER, folder_for, render
from shared.services.timesheet_ports import ArchiveReader, DriveUploader, TimesheetRun, TimesheetSummary
from shared.storage.errors import StaleEntityError
from shared.storage.models import Page
from shared.storage.protocols import ConflictRepository, CustomerSettingsRepository, TimesheetRepository
from shared.storage.timesheet_records import TimesheetFile, TimesheetRecord

MAX_PERIOD_DAYS = 366
CHANGES_LOOKBACK_DAYS = 92  # issued periods this far back are re-read so their changes reach the next timesheet


@dataclass
class TimesheetService:
    archive: ArchiveReader
    conflicts: ConflictRepository
    customers: CustomerSettingsRepository
    store: TimesheetRepository
    audit: AuditService
    drive: DriveUploader | None = None
    _: KW_ONLY
    clock: Callable[[], dt.datetime] = utc_now
    folder: str = DEFAULT_FOLDER


    # -- build -----------------------------------------------------------------------------------------------------

    def build(
        self, user: str, start: dt.date, end: dt.date, *, timezone: str = "UTC", customer: str | None = None,
        upload: bool = False, consultant: str | None = None,
    ) -> TimesheetRun:
        user = checked_mailbox(user)
        period = _period(start, end, timezone)
        if upload and self.drive is None:
            raise InvalidInput("upload", "OneDrive upload is not configured")
        with self.audit.audited("timesheet", "build", f"timesheets/{period.start}/{period.end}", user=user) as scope:
            issued = self._issued(user, period)
            window = _window(period, issued)
            events = self.archive.events(user, *_utc_bounds(window, timezone))
            result = build_timesheets(
                events, period=period, timezone=timezone, settings_by_customer=self.customers.for_user(user),
                unresolved_conflicts=self._conflict_views(user, window), issued=issued,
            )
            sheets = result.timesheets
            if customer is not None:
                sheets = [s for s in sheets if customer_key(s.customer) == customer_key(customer)]
                if not sheets:
                    known = ", ".join(result.customers) or "none"
                    raise InvalidInput("customer", f"no entries for customer {customer!r} in the period; "
                                                   f"customers of the period: {known}")
            loaded = load_template(self.store.template(user))
            summaries = [self._keep(user, s, consultant or user, loaded.template, upload,
                                    _excluded_of(result.excluded, s.customer)) for s in sheets]
            message = (f"{len(summaries)} timesheet(s)" if summaries else "no entries in the period: no files written")
            scope.details = {"timesheets": [s.id for s in summaries], "excluded": result.excluded_counts,
                             "upload": upload}
            scope.message = message
        return TimesheetRun(
            user=user, period=period, timezone=timezone, customer=customer, timesheets=summaries,
            excluded=result.excluded_counts, empty=not summaries, message=message,
            template_fallback=loaded.fallback_reason,
        )

    def _keep(self, user: str, sheet: Timesheet, consultant: str, template: Any, upload: bool,
              excluded: dict[str, int]) -> TimesheetSummary:
        timesheet_id = TimesheetRecord.make_id(user, sheet.customer, sheet.period)
        existing = self.store.get(user, timesheet_id)
        if existing is not None and existing.status == "issued":
            # An issued timesheet is never overwritten; its changes show in the next period's timesheet.
            return _summary(existing, sheet, excluded, note="period already issued: files kept as issued")
        files = []
        upload_errors: dict[str, str] = {}
        for kind, (name, data) in render(sheet, consultant=consultant, report_date=self.clock().date(),
                                         template=template, draft=True).items():
            stored = self.store.put_file(user, timesheet_id, kind, name, data)
            if upload:
                try:
                    stored = self._upload(user, timesheet_id, sheet.customer, stored, data, "replace")
                except GraphError as error:  # audited by _upload; the file is kept and the run goes on
                    upload_errors[kind] = str(error)
            files.append(stored)
        self.store.put_content(user, timesheet_id, sheet)
        record = TimesheetRecord(
            id=timesheet_id, user=user, customer=sheet.customer, period=sheet.period, timezone=sheet.timezone,
            created_at=self.clock(), effort_hours=sheet.grand_total.effort_hours,
            billable_hours=sheet.grand_total.billable_hours, entries=len(sheet.entries),
            changes=len(sheet.changed_since_issued), needs_review=len(sheet.needs_review), files=files,
            etag=existing.etag if existing else None,
        )
        try:
            record = self.store.save(record)
        except StaleEntityError:
            raise StateConflict(f"timesheet {timesheet_id} changed while it was being built; try again") from None
        return _summary(record, sheet, excluded).model_copy(update={"upload_errors": upload_errors})

    # -- issue -----------------------------------------------------------------------------------------------------

    def issue(self, user: str | None, timesheet_id: str, by: str, *, upload: bool = False) -> TimesheetRecord:
        """Locks the period for the customer and writes the final files; issuing twice is a StateConflict."""
        record = self.get(user, timesheet_id)
        user = record.user
        if record.status == "issued":
            raise StateConflict(f"timesheet {timesheet_id} was already issued on {record.issued_at} by "
                                f"{record.issued_by}")
        sheet = self.store.content(user, timesheet_id)
        if sheet is None:
            raise NotFound(f"timesheet {timesheet_id} has no stored content")
        with self.audit.audited("timesheet", "issue", f"timesheets/{timesheet_id}", user=user) as scope:
            issued = record.model_copy(update={"status": "issued", "issued_at": self.clock(), "issued_by": by})
            try:
                # The ETag makes a concurrent second issue fail here rather than issue twice.
                issued = self.store.save(issued)
            except StaleEntityError:
                raise StateConflict(f"timesheet {timesheet_id} is being issued by someone else") from None
            loaded = load_template(self.store.template(user))
            files: builtins.list[TimesheetFile] = []
            for kind, (name, data) in render(sheet, consultant=by, report_date=self.clock().date(),
                                             template=loaded.template, draft=False).items():
                stored = self.store.put_file(user, timesheet_id, kind, name, data)
                if upload and self.drive is not None:
                    stored = self._upload(user, timesheet_id, sheet.customer, stored, data, "fail")
                files.append(stored)
            issued = self.store.save(issued.model_copy(update={"files": files}))
            scope.details = {"customer": record.customer, "period": record.period.model_dump(mode="json"),
                             "billable_hours": float(record.billable_hours), "by": by}
            scope.message = f"issued {timesheet_id}"
        return issued

    # -- queries ---------------------------------------------------------------------------------------------------

    def get(self, user: str | None, timesheet_id: str) -> TimesheetRecord:
        """The record; without `user`, found by its id alone (ids are unique across users)."""
        record = self.store.get(user, timesheet_id) if user else self.store.find(timesheet_id)
        if record is None:
            raise NotFound(f"no timesheet {timesheet_id!r}" + (f" for {user}" if user else ""))
        return record

    def file(self, user: str | None, timesheet_id: str, kind: str) -> tuple[str, bytes]:
        """A stored file of the timesheet: its name and bytes."""
        record = self.get(user, timesheet_id)
        stored = next((f for f in record.files if f.kind == kind), None)
        data = self.store.read_file(stored.blob) if stored else None
        if stored is None or data is None:
            raise NotFound(f"timesheet {timesheet_id!r} has no {kind} file")
        return stored.name, data

    def list(self, user: str, page_size: int = 50, continuation: str | None = None) -> Page[TimesheetRecord]:
        if not 1 <= page_size <= 1000:
            raise InvalidInput("page_size", "must be between 1 and 1000")
        return self.store.list(user, page_size, continuation)

    # -- plumbing --------------------------------------------------------------------------------------------------

    def _upload(
        self, user: str, timesheet_id: str, customer: str, stored: TimesheetFile, data: bytes, behavior: str
    ) -> TimesheetFile:
        assert self.drive is not None
        path = f"{folder_for(self.folder, customer)}/{stored.name}"
        with self.audit.audited("timesheet", "upload", f"drive/{path}", user=user) as scope:
            item = self.drive.upload(user, path, data, content_type=CONTENT_TYPES[stored.kind],
                                      conflict_behavior=behavior)
            scope.details = {"timesheet": timesheet_id, "webUrl": item.web_url, "size": item.size,
                             "conflictBehavior": behavior}
        return stored.model_copy(update={"web_url": item.web_url})

    def _issued(self, user: str, period: Period) -> builtins.list[IssuedSnapshot]:
        horizon = period.start - dt.timedelta(days=CHANGES_LOOKBACK_DAYS)
        wanted: dict[str, set[str]] = {}
        for record in _all(lambda token: self.store.list(user, 500, token)):
            if record.status == "issued" and record.period.end >= horizon and record.period.start <= period.end:
                wanted.setdefault(record.customer, set()).add(record.id)
        return [snapshot for customer, ids in wanted.items() for snapshot in self.store.issued_for(user, customer)
                if snapshot.timesheet_id in ids]

    def _conflict_views(self, user: str, window: Period) -> builtins.list[ConflictView]:
        pages = _all(lambda token: self.conflicts.query(user=user, start=window.start, end=window.end,
                                                          page_size=500, continuation=token))
        return [_conflict_view(c) for c in pages]


def _conflict_view(conflict: Conflict) -> ConflictView:
    return ConflictView(
        id=conflict.id, resolved=conflict.status == "resolved", kept_event_ids=list(conflict.kept),
        items=[ConflictItemView(event_id=i.event_id, subject=i.subject, start=i.start, end=i.end)
               for i in conflict.items],
    )


def _summary(record: TimesheetRecord, sheet: Timesheet, excluded: dict[str, int],
             note: str | None = None) -> TimesheetSummary:
    return TimesheetSummary(
        id=record.id, customer=record.customer, status=record.status, effort_hours=sheet.grand_total.effort_hours,
        billable_hours=sheet.grand_total.billable_hours, travel_hours=sheet.travel_total.effort_hours,
        travel_billable_hours=sheet.travel_total.billable_hours, entries=len(sheet.entries), excluded=excluded,
        needs_review=list(sheet.needs_review), changed_since_issued=len(sheet.changed_since_issued),
        files=record.files, note=note,
    )


def _excluded_of(items: builtins.list[ExcludedItem], customer: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        if item.customer is not None and customer_key(item.customer) == customer_key(customer):
            counts[item.reason] = counts.get(item.reason, 0) + 1
    return counts


def _period(start: dt.date, end: dt.date, timezone: str) -> Period:
    try:
        load_zone(timezone)
    except UnknownTimeZoneError:
        raise InvalidInput("timezone", f"unknown IANA time zone {timezone!r}") from None
    try:
        period = Period(start=start, end=end)
    except ValidationError as error:
        raise InvalidInput.from_validation(error, "period") from None
    if (period.end - period.start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput("end", f"a timesheet covers at most {MAX_PERIOD_DAYS} days")
    return period


def _window(period: Period, issued: list[IssuedSnapshot]) -> Period:
    start = min([period.start, *(s.period.start for s in issued)])
    end = max([period.end, *(s.period.end for s in issued)])
    return Period(start=start, end=end)


def _utc_bounds(window: Period, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = load_zone(timezone)
    start = dt.datetime.combine(window.start, dt.time(), zone)
    end = dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(), zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _all(fetch: Callable[[str | None], Page[Any]]) -> list[Any]:
    items: list[Any] = []
    token: str | None = None
    while True:
        page = fetch(token)
        items.extend(page.items)
        token = page.continuation
        if not token:
            return items
