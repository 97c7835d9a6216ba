from __future__ import annotations

import pytest

from shared.graph.calendars import parse_calendar_ref
from shared.graph.errors import GraphServiceError
from shared.graph.event_writes import EventWriteRequest, transaction_id_for, write_batch_items
from shared.graph.paths import odata_string, segment


@pytest.mark.parametrize(
    ("ref", "parsed"),
    [
        (None, (None, None)),
        ("  ", (None, None)),
        ("Archive", (None, "Archive")),
        ("AAMkAGI2TGuLAAA=", (None, "AAMkAGI2TGuLAAA=")),
        ("msgraph://calendar", (None, None)),
        ("msgraph://calendars/Work%20Archive", (None, "Work Archive")),
        ("msgraph://calendars/AAMkAGI2TGuLAAA=", (None, "AAMkAGI2TGuLAAA=")),
        ("msgraph://users/a@x.com/calendars/Archive", ("a@x.com", "Archive")),
        ("msgraph://users/a@x.com/calendar", ("a@x.com", None)),
        ("msgraph://users/a@x.com", ("a@x.com", None)),
        ("MSGRAPH://Archive", (None, "Archive")),
    ],
)
def test_calendar_references(ref: str | None, parsed: tuple[str | None, str | None]) -> None:
    assert parse_calendar_ref(ref) == parsed


def test_path_segments_and_odata_literals() -> None:
    assert segment("a.b@contoso.com") == "a.b@contoso.com"
    assert segment("AAMk/x+y=") == "AAMk%2Fx%2By="
    assert odata_string("O'Brien") == "'O''Brien'"
    with pytest.raises(ValueError):
        segment("")


def test_creates_get_a_deterministic_transaction_id_and_updates_are_patches() -> None:
    writes = [
        EventWriteRequest(key="cal|uid|2025-04-24T10:00:00Z", payload={"subject": "A"}),
        EventWriteRequest(key="cal|uid2|2025-04-24T11:00:00Z", copy_id="AAMk1=", payload={"subject": "B"}),
    ]
    items = write_batch_items("a@x.com", "CAL=", writes)
    assert [(i.id, i.method, i.url) for i in items] == [
        ("1", "POST", "/users/a@x.com/calendars/CAL=/events"),
        ("2", "PATCH", "/users/a@x.com/events/AAMk1="),
    ]
    assert items[0].body == {"subject": "A", "transactionId": transaction_id_for(writes[0].key)}
    assert transaction_id_for(writes[0].key) == transaction_id_for("cal|uid|2025-04-24T10:00:00Z")
    assert transaction_id_for("a") != transaction_id_for("b")
    assert items[1].body == {"subject": "B"}
    assert "transactionId" not in writes[0].payload, "the caller's payload must not be mutated"


def test_error_message_names_the_request() -> None:
    error = GraphServiceError("The service is unavailable.", status=503, code="ServiceUnavailable", method="GET",
                              url="/users/x/calendarView", request_id="r-1", attempts=6)
    assert str(error) == ("Graph GET /users/x/calendarView failed after 6 attempts: 503 ServiceUnavailable "
                          "The service is unavailable. (request-id r-1)")
    single = GraphServiceError("Nope", status=404, code="ErrorItemNotFound", method="GET", url="/users/x/events/1")
    assert str(single) == "Graph GET /users/x/events/1 failed: 404 ErrorItemNotFound Nope"
