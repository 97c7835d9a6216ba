from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.domain.errors import InvalidInput, NotFound
from shared.domain.jobs import JobSettings
from shared.domain.jobs import valid_job_id as is_job_id
from shared.services.audit import AuditService
from shared.services.job_admin import JobAdmin
from tests.fakes.storage import InMemoryAuditLog, InMemoryJobRepository

USER = "adele@contoso.com"


@pytest.fixture
def audit_log() -> InMemoryAuditLog:
    return InMemoryAuditLog()


@pytest.fixture
def admin(audit_log: InMemoryAuditLog) -> JobAdmin:
    return JobAdmin(InMemoryJobRepository(), AuditService(audit_log))


def test_put_creates_then_replaces_and_each_change_is_audited(admin: JobAdmin, audit_log: InMemoryAuditLog) -> None:
    job, created = admin.put("adele", JobSettings(user=USER, timezone="Europe/Amsterdam"), by="ann")
    assert created and job.timezone == "Europe/Amsterdam" and job.id == "adele"

    job, created = admin.put("adele", JobSettings(user=USER, enabled=False), by="bob")
    assert not created and job.enabled is False and job.timezone == "UTC"
    assert [j.id for j in admin.list()] == ["adele"]
    admin.delete("adele", by="cy")
    with pytest.raises(NotFound):
        admin.get("adele")

    rows = sorted(audit_log.query(user=USER).items, key=lambda row: row.timestamp)
    assert [(r.operation, r.message) for r in rows] == [
        ("create", "created by ann"), ("update", "updated by bob"), ("delete", "deleted by cy")]


@pytest.mark.parametrize("zone", ["Europe/Atlantis", "America", "Etc", "../etc", ""])
def test_an_unknown_time_zone_names_the_field_and_the_zone(admin: JobAdmin, zone: str) -> None:
    with pytest.raises(ValidationError) as refused:
        admin.put("adele", JobSettings(user=USER, timezone=zone), by="ann")

    assert InvalidInput.from_validation(refused.value).errors == [("timezone", f"unknown IANA time zone {zone!r}")]


def test_a_malformed_job_id_names_the_id(admin: JobAdmin) -> None:
    with pytest.raises(InvalidInput) as refused:
        admin.put("Bad_Id", JobSettings(user=USER), by="ann")

    assert refused.value.errors[0][0] == "id"
    with pytest.raises(NotFound):
        admin.get("Bad_Id")
    with pytest.raises(NotFound):
        admin.delete("missing", by="ann")


@pytest.mark.parametrize(("job_id", "valid"), [("adele-vance", True), ("a", True), ("-x", False), ("A", False),
                                                ("a/b", False), ("", False), ("x" * 64, False)])
def test_job_ids(job_id: str, valid: bool) -> None:
    assert is_job_id(job_id) is valid


@pytest.mark.parametrize("user", ["adele", "@contoso.com", "adele@", "ad ele@contoso.com", "a\x00b@contoso.com"])
def test_a_job_user_must_be_a_mailbox(user: str) -> None:
    with pytest.raises(ValueError, match="mailbox"):
        JobSettings(user=user)
