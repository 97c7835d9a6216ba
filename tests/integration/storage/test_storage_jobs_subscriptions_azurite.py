from __future__ import annotations

import datetime as dt

import pytest

from shared.storage import (
    ArchiveJob,
    JobRepository,
    StaleEntityError,
    SubscriptionRecord,
    SubscriptionRepository,
)

EXPIRY = dt.datetime(2025, 3, 13, 8, 0, tzinfo=dt.UTC)


def test_job_round_trip_with_derived_id(jobs: JobRepository) -> None:
    job = ArchiveJob(user="Adele.Vance@contoso.com", source_calendar="Calendar", timezone="Europe/Zurich",
                     strict=True, run_hour=23)

    saved = jobs.save(job)
    fetched = jobs.get("adele-vance-contoso-com")

    assert saved.etag and fetched is not None
    assert fetched.model_dump(exclude={"etag"}) == job.model_dump(exclude={"etag"})
    assert fetched.etag == saved.etag
    assert jobs.get("nobody") is None


def test_list_and_enabled_only(jobs: JobRepository) -> None:
    jobs.save(ArchiveJob(user="adele@contoso.com"))
    jobs.save(ArchiveJob(user="alex@contoso.com", enabled=False))

    assert sorted(j.id for j in jobs.list()) == ["adele-contoso-com", "alex-contoso-com"]
    assert [j.id for j in jobs.list(enabled_only=True)] == ["adele-contoso-com"]


def test_job_save_with_stale_etag_is_rejected_and_without_etag_wins(jobs: JobRepository) -> None:
    first = jobs.save(ArchiveJob(user="adele@contoso.com"))
    jobs.save(first.model_copy(update={"run_hour": 3}))

    with pytest.raises(StaleEntityError):
        jobs.save(first.model_copy(update={"run_hour": 5}))
    jobs.save(first.model_copy(update={"run_hour": 7, "etag": None}))

    stored = jobs.get(first.id)
    assert stored is not None and stored.run_hour == 7


def test_job_delete_reports_whether_it_existed(jobs: JobRepository) -> None:
    job = jobs.save(ArchiveJob(user="adele@contoso.com"))

    assert jobs.delete(job.id) is True
    assert jobs.delete(job.id) is False
    assert jobs.get(job.id) is None


@pytest.mark.parametrize("job_id", ["a/b", "x#y", "what?", "back\\slash", "job\n", ""])
def test_ids_no_job_can_have_are_unknown_not_a_service_error(jobs: JobRepository, job_id: str) -> None:
    jobs.save(ArchiveJob(user="adele@contoso.com"))

    assert jobs.get(job_id) is None
    assert jobs.delete(job_id) is False
    assert [j.id for j in jobs.list()] == ["adele-contoso-com"]


def record(subscription_id: str, user: str) -> SubscriptionRecord:
    return SubscriptionRecord(
        id=subscription_id, user=user, job_id="adele-contoso-com", resource=f"/users/{user}/events",
        client_state="cs-value", expiration=EXPIRY, notification_url="https://app/api/graph/notifications",
        lifecycle_url="https://app/api/graph/lifecycle", created_at=EXPIRY - dt.timedelta(days=3),
    )


def test_subscription_round_trip_by_user_and_awkward_ids(subscriptions: SubscriptionRepository) -> None:
    odd = record("id/with#odd?chars\\", "adele@contoso.com")
    normal = record("7f105c7d-2dc5-4530-97cd-4e7ae6534c07", "Adele@Contoso.com")
    other = record("c4a9d2e0-0000-4000-8000-000000000001", "alex@contoso.com")
    for item in (odd, normal, other):
        subscriptions.save(item)

    fetched = subscriptions.get(odd.id)

    assert fetched is not None and fetched.model_dump(exclude={"etag"}) == odd.model_dump(exclude={"etag"})
    assert sorted(s.id for s in subscriptions.for_user("adele@contoso.com")) == sorted([odd.id, normal.id])
    assert len(subscriptions.list()) == 3
    assert "cs-value" not in repr(fetched)  # the client state is a shared secret: kept, never printed


def test_subscription_renewal_with_etag_and_delete(subscriptions: SubscriptionRepository) -> None:
    saved = subscriptions.save(record("sub-1", "adele@contoso.com"))
    renewed = subscriptions.save(saved.model_copy(update={"expiration": EXPIRY + dt.timedelta(days=2)}))

    with pytest.raises(StaleEntityError):
        subscriptions.save(saved.model_copy(update={"expiration": EXPIRY + dt.timedelta(days=1)}))
    current = subscriptions.get("sub-1")
    assert current is not None and current.expiration == renewed.expiration

    assert subscriptions.delete("sub-1") is True
    assert subscriptions.delete("sub-1") is False
    assert subscriptions.get("sub-1") is None
