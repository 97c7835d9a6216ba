from __future__ import annotations

import uuid

from tests.e2e.api.conftest import Call, assert_problem


def _job_id() -> str:
    return f"job-{uuid.uuid4().hex[:10]}"


def test_a_job_is_created_read_replaced_listed_and_deleted(call: Call, mailbox: str) -> None:
    job_id = _job_id()
    settings = {"user": mailbox, "timezone": "Europe/Amsterdam", "strict": True, "run_hour": 3}

    created = call("PUT", f"jobs/{job_id}", json=settings, headers={"x-ms-client-principal-name": "admin@contoso.com"})
    assert created.status_code == 201, created.text
    assert created.json() == {
        "id": job_id, "user": mailbox, "source_calendar": None, "archive_calendar": "Archive",
        "timezone": "Europe/Amsterdam", "strict": True, "run_hour": 3, "enabled": True, "timesheets": False,
        "travel": False,
    }
    replaced = call("PUT", f"jobs/{job_id}", json={**settings, "enabled": False, "source_calendar": "Work"})
    assert replaced.status_code == 200
    assert call("GET", f"jobs/{job_id}").json()["enabled"] is False
    assert call("GET", f"jobs/{job_id}").json()["source_calendar"] == "Work"
    assert job_id in [job["id"] for job in call("GET", "jobs").json()["items"]]

    deleted = call("DELETE", f"jobs/{job_id}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_problem(call("GET", f"jobs/{job_id}"), 404)
    assert_problem(call("DELETE", f"jobs/{job_id}"), 404)
    assert job_id not in [job["id"] for job in call("GET", "jobs").json()["items"]]

    audit = call("GET", "audit", params={"user": mailbox, "action": "job"}).json()["items"]
    assert [(row["operation"], row["message"]) for row in audit] == [
        ("create", "created by admin@contoso.com"), ("update", "updated by api"), ("delete", "deleted by api")]


def test_an_unknown_time_zone_is_400_naming_it(call: Call, mailbox: str) -> None:
    job_id = _job_id()

    refused = call("PUT", f"jobs/{job_id}", json={"user": mailbox, "timezone": "Mars/Olympus_Mons"})

    body = assert_problem(refused, 400, "timezone")
    assert "Mars/Olympus_Mons" in body["detail"]
    assert_problem(call("GET", f"jobs/{job_id}"), 404)
    folder = call("PUT", f"jobs/{job_id}", json={"user": mailbox, "timezone": "America"})  # a tzdata folder
    assert "'America'" in assert_problem(folder, 400, "timezone")["detail"]


def test_invalid_job_settings_are_400_naming_the_field(call: Call, mailbox: str) -> None:
    assert_problem(call("PUT", f"jobs/{_job_id()}", json={"user": mailbox, "run_hour": 24}), 400, "run_hour")
    assert_problem(call("PUT", f"jobs/{_job_id()}", json={"timezone": "UTC"}), 400, "user")
    assert_problem(call("PUT", f"jobs/{_job_id()}", json={"user": "not a mailbox"}), 400, "user")
    assert_problem(call("PUT", f"jobs/{_job_id()}", json={"user": mailbox, "strict": "maybe"}), 400, "strict")
    assert_problem(call("PUT", f"jobs/{_job_id()}", json={"user": mailbox, "colour": "red"}), 400, "colour")
    assert_problem(call("PUT", "jobs/Not_A_Valid_Id", json={"user": mailbox}), 400, "id")
    assert_problem(call("GET", "jobs/Not_A_Valid_Id"), 404)
