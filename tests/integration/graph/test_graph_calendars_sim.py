"""CalendarService against the simulator: resolving calendars, reading a window, writing and finding copies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.domain.appointment import Appointment
from shared.domain.archive_copy import copy_payload
from shared.domain.extended_properties import SOURCE_EVENT_PROPERTY_ID, SOURCE_KEY_PROPERTY_ID, source_key_of
from shared.graph import CalendarNotFoundError, EventWriteRequest
from shared.graph.calendars import EVENT_FIELDS, CalendarService

DAY = datetime(2025, 4, 24, tzinfo=UTC)
UPN = "adele@contoso.com"


@pytest.fixture
def service(graph_sim: Any, client_for: Any) -> CalendarService:
    graph_sim.add_user(UPN)
    return CalendarService(client_for(graph_sim))


def _copy(new_event: Any, key: str, subject: str) -> dict[str, Any]:
    payload = new_event(subject, DAY + timedelta(hours=10))
    payload["singleValueExtendedProperties"] = [{"id": SOURCE_KEY_PROPERTY_ID, "value": key}]
    return payload


def test_resolve_primary_name_id_and_uri(graph_sim: Any, service: CalendarService) -> None:
    archive_id = graph_sim.add_calendar(UPN, "Archive")
    primary = service.resolve(UPN, None)
    assert primary.is_default and primary.name == "Calendar"
    assert service.resolve(UPN, "msgraph://calendar") == primary
    by_name = service.resolve(UPN, "aRCHIVE")
    assert (by_name.id, by_name.name, by_name.is_default) == (archive_id, "Archive", False)
    assert service.resolve(UPN, archive_id) == by_name
    assert service.resolve(UPN, f"msgraph://users/{UPN}/calendars/{archive_id}") == by_name
    assert service.resolve(UPN, "msgraph://calendars/Archive") == by_name
    assert {c.name for c in service.list_calendars(UPN)} == {"Calendar", "Archive"}


def test_unknown_calendar_lists_what_exists_unless_created(graph_sim: Any, service: CalendarService) -> None:
    graph_sim.add_calendar(UPN, "Archive")
    with pytest.raises(CalendarNotFoundError) as info:
        service.resolve(UPN, "Work Archive")
    assert str(info.value) == f"no calendar 'Work Archive' for {UPN}; available calendars: 'Calendar', 'Archive'"
    created = service.resolve(UPN, "msgraph://calendars/Work%20Archive", create_if_missing=True)
    assert created.name == "Work Archive"
    assert "Work Archive" in {c["name"] for c in graph_sim.calendars(UPN)}
    assert service.resolve(UPN, "work archive") == created


def test_a_uri_for_another_mailbox_is_refused(service: CalendarService) -> None:
    with pytest.raises(ValueError, match="names user someone@else.com"):
        service.resolve(UPN, "msgraph://users/someone@else.com/calendars/Archive")


def test_read_window_asks_for_the_window_with_offsets_fields_and_the_property(
    graph_sim: Any, service: CalendarService, new_event: Any
) -> None:
    graph_sim.add_event(UPN, new_event("Early", DAY + timedelta(hours=6)))
    graph_sim.add_event(UPN, new_event("Next day", DAY + timedelta(days=1, hours=6)))
    tagged = graph_sim.add_event(UPN, _copy(new_event, "src|1", "Tagged"))
    london = ZoneInfo("Europe/London")
    start = datetime(2025, 4, 24, tzinfo=london)
    events = service.read_window(UPN, None, start, start + timedelta(days=1), page_size=5)
    assert {e["subject"] for e in events} == {"Early", "Tagged"}
    by_subject = {e["subject"]: e for e in events}
    assert source_key_of(by_subject["Tagged"]) == "src|1"
    assert by_subject["Tagged"]["id"] == tagged["id"]
    assert by_subject["Early"]["start"]["timeZone"] == "UTC"
    query = next(r for r in graph_sim.requests if r.path.endswith("/calendarView")).query
    assert query["startDateTime"] == "2025-04-24T00:00:00+01:00"
    assert query["endDateTime"] == "2025-04-25T00:00:00+01:00"
    assert query["$top"] == "5"
    assert query["$select"].split(",") == list(EVENT_FIELDS)
    assert query["$expand"] == f"singleValueExtendedProperties($filter=id eq '{SOURCE_KEY_PROPERTY_ID}')"


def test_read_window_of_a_named_calendar(graph_sim: Any, service: CalendarService, new_event: Any) -> None:
    other = graph_sim.add_calendar(UPN, "Other")
    graph_sim.add_event(UPN, new_event("Elsewhere", DAY + timedelta(hours=9)), calendar_id=other)
    graph_sim.add_event(UPN, new_event("Primary", DAY + timedelta(hours=9)))
    events = service.read_window(UPN, other, DAY, DAY + timedelta(days=1))
    assert [e["subject"] for e in events] == ["Elsewhere"]


def test_read_window_refuses_naive_or_empty_windows(service: CalendarService) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        service.read_window(UPN, None, datetime(2025, 4, 24), datetime(2025, 4, 25))
    with pytest.raises(ValueError, match="not after"):
        service.read_window(UPN, None, DAY, DAY)


def test_create_then_update_through_patch_and_find_by_source_key(
    graph_sim: Any, service: CalendarService, new_event: Any
) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    created = service.write_events(UPN, archive, [EventWriteRequest(key="src|1", payload=_copy(new_event, "src|1",
                                                                                                "First"))])
    assert created[0].ok and created[0].status == 201 and created[0].event_id
    copy_id = created[0].event_id

    found = service.find_by_source_key(UPN, archive, "SRC|1")  # Graph matches values case-insensitively
    assert found is not None and found["id"] == copy_id and source_key_of(found) == "src|1"
    assert service.find_by_source_key(UPN, archive, "src|2") is None

    updated = service.write_events(UPN, archive, [EventWriteRequest(key="src|1", copy_id=copy_id,
                                                                    payload={"subject": "Second"})])
    assert updated[0].ok and updated[0].status == 200 and updated[0].event_id == copy_id
    stored = graph_sim.events(UPN, archive)
    assert [e["subject"] for e in stored] == ["Second"]

    batch_items = [r for r in graph_sim.requests if r.batch_item]
    assert [(r.method, r.path) for r in batch_items] == [
        ("POST", f"/users/{UPN}/calendars/{archive}/events"),
        ("PATCH", f"/users/{UPN}/events/{copy_id}"),
    ]
    assert batch_items[0].body["transactionId"] and "transactionId" not in batch_items[1].body


def test_a_repeated_create_is_deduplicated_by_transaction_id(
    graph_sim: Any, service: CalendarService, new_event: Any
) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    write = EventWriteRequest(key="src|7", payload=_copy(new_event, "src|7", "Once"))
    first = service.write_events(UPN, archive, [write])
    again = service.write_events(UPN, archive, [write])
    assert first[0].event_id == again[0].event_id
    assert len(graph_sim.events(UPN, archive)) == 1


def test_get_and_patch_a_single_event(graph_sim: Any, service: CalendarService, new_event: Any) -> None:
    event = graph_sim.add_event(UPN, _copy(new_event, "src|9", "Single"))
    fetched = service.get_event(UPN, event["id"])
    assert fetched["subject"] == "Single" and source_key_of(fetched) == "src|9"
    patched = service.patch_event(UPN, event["id"], {"sensitivity": "private"})
    assert patched["sensitivity"] == "private"
    assert graph_sim.event(UPN, event["id"])["sensitivity"] == "private"


def test_a_copy_is_found_by_the_source_event_it_was_made_from(graph_sim: Any, service: CalendarService) -> None:
    archive = graph_sim.add_calendar(UPN, "Archive")
    source = Appointment.from_graph({"id": "AAMkSource=", "subject": "Workshop",
                                     "start": {"dateTime": "2026-11-24T09:00:00", "timeZone": "UTC"},
                                     "end": {"dateTime": "2026-11-24T10:00:00", "timeZone": "UTC"}})
    [written] = service.write_events(UPN, archive, [EventWriteRequest(key="k", payload=copy_payload(source, "cal"))])
    graph_sim.clear_requests()

    found = service.find_by_source_event(UPN, archive, "AAMkSource=")

    assert found is not None and found["id"] == written.event_id
    assert service.find_by_source_event(UPN, archive, "AAMkOther=") is None
    query = graph_sim.requests[0].query
    assert f"ep/id eq '{SOURCE_EVENT_PROPERTY_ID}' and ep/value eq 'AAMkSource='" in query["$filter"]
