"""One timesheet per customer from the archive calendar's events of a period (pure rules, see RULES.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from shared.domain.appointment import Appointment
from shared.domain.archive_copy import owning_day
from shared.domain.categories import CategoryOutcome, classify_categories
from shared.domain.dates import load_zone
from shared.domain.overlaps import FREE
from shared.domain.privacy import PRIVATE, is_travel
from shared.domain.rounding import DEFAULT_SETTINGS, ZERO, CustomerSettings, rounded_hours, travel_billable
from shared.domain.timesheet_changes import changes_since_issued
from shared.domain.timesheet_models import (
    PRIVATE_SUBJECT,
    ConflictView,
    ExcludedItem,
    ExclusionReason,
    IssuedSnapshot,
    Period,
    ReviewItem,
    Timesheet,
    TimesheetBuild,
    TimesheetEntry,
    section_totals,
)
from shared.domain.timesheet_overlaps import OverlapOutcome, Review, settle_overlaps


def customer_key(name: str) -> str:
    """Customers compare case-insensitively, trimmed."""
    return name.strip().casefold()


def build_timesheets(
    events: Iterable[Mapping[str, Any] | Appointment],
    *,
    period: Period,
    timezone: str,
    settings_by_customer: Mapping[str, CustomerSettings] | None = None,
    unresolved_conflicts: Sequence[ConflictView] = (),
    issued: Sequence[IssuedSnapshot] = (),
) -> TimesheetBuild:
    """Timesheets of every customer with counted entries (or changes since issuing) in the period.

    `events` are the archive calendar's events of the period, plus those of any issued period in `issued` (their
    days are locked: their entries are only compared with what was issued). `unresolved_conflicts` are the stored
    conflicts of those days (resolved ones too: their kept items decide)."""
    zone = load_zone(timezone)
    settings = {customer_key(k): v for k, v in (settings_by_customer or {}).items()}
    locked = _locked_days(issued)
    excluded: list[ExcludedItem] = []
    counted: list[tuple[Appointment, CategoryOutcome, dt.date]] = []
    for raw in events:
        appt = raw if isinstance(raw, Appointment) else Appointment.from_graph(dict(raw))
        day = owning_day(appt, timezone)
        if not period.contains(day) and not any(p.contains(day) for periods in locked.values() for p in periods):
            continue  # calendarView returns what only touches the window; it belongs to a neighbouring day
        outcome = classify_categories(appt.categories)
        reason = exclusion_reason(appt, outcome)
        if reason is not None:
            if period.contains(day):
                excluded.append(ExcludedItem(event_id=appt.id, date=day, reason=reason, customer=outcome.customer))
            continue
        counted.append((appt, outcome, day))

    overlaps = settle_overlaps([appt for appt, _, _ in counted], unresolved_conflicts)
    names: dict[str, str] = {}
    current: dict[str, list[TimesheetEntry]] = {}
    for appt, outcome, day in sorted(counted, key=lambda item: (item[0].start, item[0].subject, item[0].id)):
        assert outcome.customer is not None and outcome.billing_type is not None  # guaranteed by exclusion_reason
        key = customer_key(outcome.customer)
        if appt.id in overlaps.dropped:
            if period.contains(day):
                excluded.append(ExcludedItem(event_id=appt.id, date=day, reason="overlap_dropped",
                                             customer=outcome.customer))
            continue
        names.setdefault(key, outcome.customer.strip())
        entry = _entry(appt, outcome, day, zone, settings.get(key, DEFAULT_SETTINGS), overlaps)
        current.setdefault(key, []).append(entry)

    timesheets = []
    for key in sorted(current, key=lambda k: names[k].casefold()):
        sheet = _timesheet(names[key], key, current[key], period, timezone, settings, locked, issued)
        if not sheet.is_empty:
            timesheets.append(sheet)
    customers = sorted({s.customer for s in timesheets}, key=str.casefold)
    return TimesheetBuild(timesheets=timesheets, excluded=excluded, customers=customers)


def exclusion_reason(appt: Appointment, outcome: CategoryOutcome) -> ExclusionReason | None:
    """Why an archived appointment is not time worked for a customer, checked in the order of the rules."""
    if appt.is_cancelled:
        return "cancelled"
    if appt.show_as == FREE:
        return "free"
    if outcome.personal:
        return "personal"
    if outcome.billing_type == "online":
        return "online"
    if not outcome.valid or outcome.customer is None:
        return "invalid_category"
    if appt.is_all_day:
        return "all_day"
    if outcome.special:
        return "internal"  # Admin / Break: the consultant's own time, no customer to bill
    return None


def display_subject(appt: Appointment) -> str:
    """Private by the privacy rule (travel) still shows its subject; private by the user's own choice does not."""
    if appt.sensitivity == PRIVATE and not is_travel(appt.subject):
        return PRIVATE_SUBJECT
    return appt.subject


def _entry(
    appt: Appointment,
    outcome: CategoryOutcome,
    day: dt.date,
    zone: dt.tzinfo,
    settings: CustomerSettings,
    overlaps: OverlapOutcome,
) -> TimesheetEntry:
    travel = is_travel(appt.subject)
    raw_minutes = max(0, int((appt.end - appt.start).total_seconds() // 60))
    effort = rounded_hours(raw_minutes, settings)
    billable: Decimal = ZERO
    if outcome.billing_type == "billable":
        billable = travel_billable(effort, settings) if travel else effort
    review = overlaps.review.get(appt.id)
    hidden = display_subject(appt) == PRIVATE_SUBJECT and appt.subject != PRIVATE_SUBJECT
    comments = ""
    if review is not None:
        billable = ZERO  # held back: overlapping time is never billed twice silently
        comments = _review_comment(appt, review)
    return TimesheetEntry(
        key=appt.source_key or appt.id,
        event_id=appt.id,
        section="travel" if travel else "effort",
        date=day,
        start=appt.start.astimezone(zone),
        end=appt.end.astimezone(zone),
        subject=display_subject(appt),
        customer=outcome.customer or "",
        billing_type="billable" if outcome.billing_type == "billable" else "non-billable",
        categories=list(appt.categories),
        location="" if hidden else appt.location,
        raw_minutes=raw_minutes,
        effort_hours=effort,
        billable_hours=billable,
        needs_review=review is not None,
        review_group=review.group_id if review else None,
        conflict_id=review.conflict_id if review else None,
        comments=comments,
    )


def _review_comment(appt: Appointment, review: Review) -> str:
    others = [display_subject(a) for a in review.group if a.id != appt.id]
    text = "Needs review: overlaps " + ", ".join(others)
    return f"{text} (conflict {review.conflict_id})" if review.conflict_id else text


def _timesheet(
    name: str,
    key: str,
    entries: list[TimesheetEntry],
    period: Period,
    timezone: str,
    settings: Mapping[str, CustomerSettings],
    locked: Mapping[str, list[Period]],
    issued: Sequence[IssuedSnapshot],
) -> Timesheet:
    own_locks = locked.get(key, [])
    billed = [e for e in entries if period.contains(e.date) and not any(p.contains(e.date) for p in own_locks)]
    effort = [e for e in billed if e.section == "effort"]
    travel = [e for e in billed if e.section == "travel"]
    changes = []
    for snapshot in issued:
        if customer_key(snapshot.customer) == key:
            changes.extend(changes_since_issued(snapshot, [e for e in entries if snapshot.period.contains(e.date)]))
    effort_total, travel_total = section_totals(effort), section_totals(travel)
    return Timesheet(
        customer=name,
        period=period,
        timezone=timezone,
        settings=settings.get(key, DEFAULT_SETTINGS),
        effort=effort,
        travel=travel,
        effort_total=effort_total,
        travel_total=travel_total,
        grand_total=section_totals(billed),
        needs_review=_review_items(billed),
        changed_since_issued=changes,
    )


def _review_items(entries: list[TimesheetEntry]) -> list[ReviewItem]:
    groups: dict[str, list[TimesheetEntry]] = {}
    for entry in entries:
        if entry.review_group is not None:
            groups.setdefault(entry.review_group, []).append(entry)
    items = [
        ReviewItem(
            conflict_id=members[0].conflict_id, date=members[0].date, entry_keys=[m.key for m in members],
            subjects=[m.subject for m in members], effort_hours=sum((m.effort_hours for m in members), ZERO),
        )
        for members in groups.values()
    ]
    return sorted(items, key=lambda item: (item.date, item.entry_keys))


def _locked_days(issued: Sequence[IssuedSnapshot]) -> dict[str, list[Period]]:
    locked: dict[str, list[Period]] = {}
    for snapshot in issued:
        locked.setdefault(customer_key(snapshot.customer), []).append(snapshot.period)
    return locked
