"""The timesheet use case end to end on real adapters (simulator archive calendar and OneDrive, Azurite)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from shared.domain.conflicts import Conflict, ConflictItem
from shared.domain.errors import InvalidInput, NotFound, StateConflict
from shared.domain.rounding import CustomerSettings
from tests.integration.timesheets.conftest import USER, Stack
from tests.timesheet_fixtures import ev, week_events

START, END = dt.date(2025, 4, 21), dt.date(2025, 4, 25)
ZONE = "Europe/London"


def seed_week(stack: Stack) -> dict[str, str]:
    """Archive the fixture week; returns fixture id → simulator event id."""
    return {event["id"]: stack.add({k: v for k, v in event.items() if k != "id"})["id"] for event in week_events()}


def test_a_week_gives_stored_files_uploads_and_audit_rows(timesheet_stack: Stack) -> None:
    seed_week(timesheet_stack)
    run = timesheet_stack.service.build(USER, START, END, timezone=ZONE, upload=True, consultant="Megan Bowen")
    assert [s.customer for s in run.timesheets] == ["Acme Corp", "Globex"]
    acme = run.timesheets[0]
    assert (acme.effort_hours, acme.billable_hours, len(acme.needs_review)) == (Decimal("12.5"), Decimal("9"), 1)
    assert run.excluded["personal"] == 1 and not run.empty
    assert run.template_fallback == "no template stored; default used"
    pdf = next(f for f in acme.files if f.kind == "pdf")
    text = PdfReader(io.BytesIO(timesheet_stack.store.read_file(pdf.blob) or b"")).pages[0].extract_text()
    assert "TIMESHEET (DRAFT)" in text and "Consultant: Megan Bowen" in text and "Total 10½ hrs / 8 hrs" in text
    drive_files = {f.name for f in timesheet_stack.sim.drive.files(USER)}
    assert {f.name for s in run.timesheets for f in s.files} == drive_files
    assert all(f.web_url for s in run.timesheets for f in s.files)
    assert pdf.web_url and "/Timesheets/Acme Corp/" in pdf.web_url
    uploads = [a for a in timesheet_stack.audit.query(user=USER).items if a.operation == "upload"]
    assert len(uploads) == 4 and all(a.details["webUrl"] for a in uploads)
    assert timesheet_stack.store.get(USER, acme.id).status == "draft"  # type: ignore[union-attr]
    dumped = run.model_dump(mode="json")
    assert dumped["timesheets"][0]["billable_hours"] == 9.0 and dumped["period"]["start"] == "2025-04-21"


def test_building_again_replaces_the_draft(timesheet_stack: Stack) -> None:
    timesheet_stack.add({k: v for k, v in ev("a", 21, "09:00", "10:00", "Workshop").items() if k != "id"})
    first = timesheet_stack.service.build(USER, START, END, timezone=ZONE, upload=True)
    timesheet_stack.add({k: v for k, v in ev("b", 22, "09:00", "09:30", "Call").items() if k != "id"})
    second = timesheet_stack.service.build(USER, START, END, timezone=ZONE, upload=True)
    assert first.timesheets[0].id == second.timesheets[0].id
    assert second.timesheets[0].effort_hours == Decimal("1.5")
    assert len(timesheet_stack.sim.drive.files(USER)) == 2  # csv + pdf, replaced in place
    assert len(timesheet_stack.service.list(USER).items) == 1


def test_customer_settings_apply_and_an_unknown_customer_lists_those_of_the_period(timesheet_stack: Stack) -> None:
    seed_week(timesheet_stack)
    timesheet_stack.customers.save(USER, "acme corp", CustomerSettings(increment=15, travel_rate=Decimal("1")))
    run = timesheet_stack.service.build(USER, START, END, timezone=ZONE, customer="ACME CORP")
    [acme] = run.timesheets
    assert acme.billable_hours == Decimal("9.5")  # 3.5 + 0.75 + 2.25 + 1.5, travel 0.75 + 0.75 at 100 % (default: 9)
    with pytest.raises(InvalidInput) as caught:
        timesheet_stack.service.build(USER, START, END, timezone=ZONE, customer="Initech")
    assert caught.value.errors[0][0] == "customer"
    assert "customers of the period: Acme Corp, Globex" in caught.value.detail


def test_an_empty_period_writes_no_files(timesheet_stack: Stack) -> None:
    run = timesheet_stack.service.build(USER, START, END, timezone=ZONE, upload=True)
    assert run.empty and run.timesheets == [] and "no entries in the period" in run.message
    assert timesheet_stack.service.list(USER).items == [] and timesheet_stack.sim.drive.files(USER) == []


@pytest.mark.parametrize(
    ("start", "end", "zone", "field"),
    [(END, START, "UTC", "period"), (START, END, "Mars/Olympus", "timezone"),
     (START, dt.date(2026, 6, 1), "UTC", "end")],
)
def test_bad_input_names_its_field(timesheet_stack: Stack, start: dt.date, end: dt.date, zone: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        timesheet_stack.service.build(USER, start, end, timezone=zone)
    assert caught.value.errors[0][0] == field


def test_an_open_conflict_of_the_conflicts_table_is_listed_for_review(timesheet_stack: Stack) -> None:
    timesheet_stack.add({k: v for k, v in ev("a", 23, "10:00", "11:00", "Status").items() if k != "id"})
    timesheet_stack.add({k: v for k, v in ev("b", 23, "10:30", "11:30", "Architecture").items() if k != "id"})
    utc = dt.UTC
    conflict = timesheet_stack.conflicts.upsert(Conflict(user=USER, date=dt.date(2025, 4, 23), group_key="g1", items=[
        ConflictItem(event_id="src-a", subject="Status", start=dt.datetime(2025, 4, 23, 9, tzinfo=utc),
                     end=dt.datetime(2025, 4, 23, 10, tzinfo=utc)),
        ConflictItem(event_id="src-b", subject="Architecture", start=dt.datetime(2025, 4, 23, 9, 30, tzinfo=utc),
                     end=dt.datetime(2025, 4, 23, 10, 30, tzinfo=utc)),
    ]))
    [sheet] = timesheet_stack.service.build(USER, START, END, timezone=ZONE).timesheets
    assert (len(sheet.needs_review), sheet.billable_hours) == (1, Decimal(0))
    timesheet_stack.conflicts.save(conflict.resolved(by=USER, kept=["src-b"]))
    [sheet] = timesheet_stack.service.build(USER, START, END, timezone=ZONE).timesheets
    assert (len(sheet.needs_review), sheet.entries, sheet.billable_hours) == (0, 1, Decimal(1))


def test_issue_locks_the_period_and_later_changes_show_in_the_next_timesheet(timesheet_stack: Stack) -> None:
    ids = seed_week(timesheet_stack)
    [acme, _] = timesheet_stack.service.build(USER, START, END, timezone=ZONE, upload=True).timesheets
    issued = timesheet_stack.service.issue(USER, acme.id, by="megan@contoso.example", upload=True)
    assert issued.status == "issued" and issued.issued_by == "megan@contoso.example"
    assert {f.name for f in issued.files} == {"Timesheet Acme Corp 2025-04-21 to 2025-04-25.csv",
                                              "Timesheet Acme Corp 2025-04-21 to 2025-04-25.pdf"}
    with pytest.raises(StateConflict):
        timesheet_stack.service.issue(USER, acme.id, by="someone")
    # The workshop is found to have run an hour longer; a new week is worked.
    timesheet_stack.sim.update_event(USER, ids["a2"], {"end": {"dateTime": "2025-04-21T13:30:00",
                                                               "timeZone": ZONE}})
    timesheet_stack.add({k: v for k, v in ev("n", 28, "09:00", "10:00", "Next week").items() if k != "id"})
    run = timesheet_stack.service.build(USER, dt.date(2025, 4, 28), dt.date(2025, 5, 2), timezone=ZONE,
                                        customer="Acme Corp")
    [next_sheet] = run.timesheets
    assert (next_sheet.entries, next_sheet.changed_since_issued) == (1, 1)
    content = timesheet_stack.store.content(USER, next_sheet.id)
    assert content is not None
    [change] = content.changed_since_issued
    assert (change.kind, change.timesheet_id, change.difference_hours) == ("changed", acme.id, Decimal(1))
    # Rebuilding the issued week never overwrites it.
    again = timesheet_stack.service.build(USER, START, END, timezone=ZONE, customer="Acme Corp", upload=True)
    assert again.timesheets[0].status == "issued" and "already issued" in (again.timesheets[0].note or "")
    issued_pdf = timesheet_stack.sim.drive.file(USER, "Timesheets/Acme Corp/" + issued.files[1].name)
    assert issued_pdf is not None and issued_pdf.version == 1


def test_unknown_timesheets_are_not_found(timesheet_stack: Stack) -> None:
    with pytest.raises(NotFound):
        timesheet_stack.service.issue(USER, "ts-20250421-0123456789abcdef0123", by="x")
    with pytest.raises(NotFound):
        timesheet_stack.service.get(USER, "../../etc")


def test_a_corrupt_template_falls_back_to_the_default_and_the_run_says_so(timesheet_stack: Stack) -> None:
    timesheet_stack.add({k: v for k, v in ev("a", 21, "09:00", "10:00", "Workshop").items() if k != "id"})
    timesheet_stack.store.put_template(USER, b'{"company_name": "Contoso", "logo_png_base64": "bm90IGFuIGltYWdl"}')
    run = timesheet_stack.service.build(USER, START, END, timezone=ZONE)
    assert run.template_fallback == "template logo is not a readable image; default used"
    timesheet_stack.store.put_template(USER, b'{"company_name": "Contoso Consulting"}')
    run = timesheet_stack.service.build(USER, START, END, timezone=ZONE)
    pdf = next(f for f in run.timesheets[0].files if f.kind == "pdf")
    text = PdfReader(io.BytesIO(timesheet_stack.store.read_file(pdf.blob) or b"")).pages[0].extract_text()
    assert run.template_fallback is None and "Contoso Consulting" in text
