from __future__ import annotations

import datetime as dt

from shared.storage import IssueLog, PrivacyChangeRecord, PrivacyLog

T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)


def change(event_id: str, at: dt.datetime, user: str = "adele@contoso.com") -> PrivacyChangeRecord:
    return PrivacyChangeRecord(user=user, event_id=event_id, subject="Dentist", old="normal", new="private",
                               changed_at=at, changed_by="system", reason="no categories: personal")


def test_privacy_changes_round_trip_in_time_order_and_by_range(privacy_log: PrivacyLog) -> None:
    changes = [change(f"AAMk/{i}", T0 + dt.timedelta(days=i)) for i in (2, 0, 1)]
    for item in changes:
        privacy_log.record(item)
    privacy_log.record(change("AAMk/9", T0, user="alex@contoso.com"))

    everything = privacy_log.for_user("Adele@contoso.com")
    middle = privacy_log.for_user("adele@contoso.com", start=dt.date(2025, 3, 11), end=dt.date(2025, 3, 11))
    by_instant = privacy_log.for_user("adele@contoso.com", start=T0, end=T0 + dt.timedelta(days=1))

    assert everything == sorted(changes, key=lambda c: c.changed_at)
    assert [c.event_id for c in middle] == ["AAMk/1"]
    assert [c.event_id for c in by_instant] == ["AAMk/0", "AAMk/1"]


def test_recording_the_same_privacy_change_twice_keeps_one_row(privacy_log: PrivacyLog) -> None:
    privacy_log.record(change("AAMk/1", T0))
    privacy_log.record(change("AAMk/1", T0))

    assert len(privacy_log.for_user("adele@contoso.com")) == 1


def test_issues_per_day_are_replaced_by_a_rerun_and_cleared_when_none(issue_log: IssueLog) -> None:
    day = dt.date(2025, 3, 10)
    issue_log.record("adele@contoso.com", day, ["Missing ' - ' separator in category: Acme"], "archive")
    issue_log.record("adele@contoso.com", day, ["Invalid billing type in category: Acme - maybe"], "archive")
    issue_log.record("adele@contoso.com", day, ["Extended marker without a meeting"], "markers/v1?")
    issue_log.record("adele@contoso.com", day + dt.timedelta(days=2), ["later"], "archive")

    on_day = issue_log.for_user("ADELE@contoso.com", day, day)
    assert [(r.source, r.issues) for r in on_day] == [
        ("archive", ["Invalid billing type in category: Acme - maybe"]),
        ("markers/v1?", ["Extended marker without a meeting"]),
    ]
    assert len(issue_log.for_user("adele@contoso.com")) == 3

    issue_log.record("adele@contoso.com", day, [], "archive")

    assert [r.source for r in issue_log.for_user("adele@contoso.com", day, day)] == ["markers/v1?"]
    assert issue_log.for_user("alex@contoso.com") == []
