from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from shared.domain.conflicts import Conflict, merge_rerun
from shared.domain.jobs import ArchiveJob, JobSettings
from shared.storage.models import AuditEntry

DAY = dt.date(2025, 3, 10)


def test_conflict_ids_are_deterministic_url_safe_and_case_insensitive_in_the_user() -> None:
    one = Conflict(user="Adele@contoso.com", date=DAY, group_key="AAMk1|AAMk2")
    two = Conflict(user="adele@contoso.com", date=DAY, group_key="AAMk1|AAMk2")
    other = Conflict(user="adele@contoso.com", date=DAY, group_key="AAMk1|AAMk3")

    assert one.id == two.id != other.id
    assert one.id.startswith("20250310-") and one.id.replace("-", "").isalnum()
    assert Conflict.date_of_id(one.id) == DAY
    assert Conflict.date_of_id("20251340-" + "0" * 20) is None
    assert Conflict.date_of_id(one.id + "\n") is None, "a control character is not part of any of our ids"


def test_a_conflict_id_of_another_day_is_refused() -> None:
    other_day = Conflict.make_id("a@b.c", DAY + dt.timedelta(days=1), "g")
    with pytest.raises(ValidationError, match="does not belong"):
        Conflict(id=other_day, user="a@b.c", date=DAY, group_key="g")


def test_merge_keeps_a_resolved_conflict_and_refreshes_an_open_one() -> None:
    created = dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC)
    existing = Conflict(user="a@b.c", date=DAY, group_key="g", instance_id="run-1", created_at=created, etag="e1")
    incoming = Conflict(user="a@b.c", date=DAY, group_key="g", instance_id="run-2")

    refreshed = merge_rerun(existing, incoming)
    resolved = existing.resolved(by="a@b.c", kept=["AAMk1"], note="n")

    assert refreshed.instance_id == "run-2" and refreshed.created_at == created and refreshed.etag == "e1"
    assert merge_rerun(resolved, incoming) is resolved
    assert merge_rerun(None, incoming) is incoming
    assert resolved.status == "resolved" and resolved.resolved_at is not None


def test_job_ids_are_derived_from_the_user_and_validated() -> None:
    assert ArchiveJob(user="Adele.Vance@Contoso.com").id == "adele-vance-contoso-com"
    assert ArchiveJob(user="x@y.z", id="team-archive-2").id == "team-archive-2"
    for bad in ("Has Upper", "-leading", "a" * 64, "under_score", "trailing-newline\n"):
        with pytest.raises(ValidationError):
            ArchiveJob(user="x@y.z", id=bad)
    with pytest.raises(ValidationError, match="time zone"):  # checked when a job is written (a stored one is read)
        JobSettings(user="x@y.z", timezone="Mars/Olympus")
    with pytest.raises(ValidationError):
        ArchiveJob(user="x@y.z", run_hour=24)


def test_audit_timestamps_must_be_aware_and_are_kept_in_utc() -> None:
    entry = AuditEntry(
        timestamp=dt.datetime(2025, 3, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        action="a", operation="o", resource="r", status="success",
    )
    assert entry.timestamp == dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC) and entry.timestamp.tzinfo is dt.UTC
    with pytest.raises(ValidationError):
        AuditEntry(timestamp=dt.datetime(2025, 3, 10), action="a", operation="o", resource="r", status="success")
    with pytest.raises(ValidationError):
        AuditEntry(action="a", operation="o", resource="r", status="done")
