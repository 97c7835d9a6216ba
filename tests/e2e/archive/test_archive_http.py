"""POST /api/archive and its status through the local host, as Power Automate would call them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import jsonschema
import pytest
import requests

from shared.bootstrap import Container, container, reset_container
from shared.config import get_settings
from shared.domain.jobs import ArchiveJob
from shared.runtime.engine import DurableEngine
from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions, new_engine
from shared.services.archive.requests import instance_id_for
from tests.polling import wait_for
from tests.stack import USER, event

DAY = "2026-11-10"


@pytest.fixture(autouse=True)
def no_jobs(stack) -> None:
    """Archive instance ids depend on whether the user has a job: start every test without one."""
    jobs = container().jobs
    for job in jobs.list():
        jobs.delete(job.id)


@pytest.fixture
def engine(stack) -> Iterator[DurableEngine]:
    engine = new_engine()
    yield engine
    engine.shutdown()


@pytest.fixture
def host(engine: DurableEngine, storage_connection_string: str) -> Iterator[LocalHost]:
    with LocalHost(app_functions(), engine=engine, storage_connection_string=storage_connection_string) as host:
        yield host


@pytest.fixture
def served(host: LocalHost) -> str:
    return f"{host.base_url}/api"


def finished(url: str) -> dict | None:
    body = requests.get(url, timeout=5).json()
    return body if body["runtimeStatus"] in ("Completed", "Failed") else None


def test_post_archive_answers_202_and_the_status_url_gives_the_counts(stack, served):
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Quarterly review"))
    stack.add_event(USER, event(DAY, "11:00", "12:00", "Lunch", categories=[]))

    response = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)

    assert response.status_code == 202
    links = response.json()
    assert links["id"] == instance_id_for(USER, date.fromisoformat(DAY), date.fromisoformat(DAY))
    assert links["id"].startswith("archive-megan-contoso-example-") and links["id"].endswith(DAY)
    status = wait_for(lambda: finished(links["statusQueryGetUri"]), timeout=30)
    assert status["runtimeStatus"] == "Completed"
    assert (status["output"]["archived"], status["output"]["failed"]) == (2, 0)
    mine = requests.get(f"{served}/archive/{links['id']}", timeout=5).json()
    assert mine["output"]["archived"] == 2
    assert mine["customStatus"] == {"stage": "done", "days_total": 1, "days_done": 1, "archived": 2, "failed": 0}


def test_a_second_start_while_running_is_refused(stack, served):
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Slow day"))
    stack.faults.latency_ms = 300

    first = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)
    second = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)

    assert first.status_code == 202
    assert second.status_code == 409
    assert second.headers["Content-Type"].startswith("application/problem+json")
    wait_for(lambda: finished(first.json()["statusQueryGetUri"]), timeout=30)


def test_a_post_for_the_day_of_a_running_timer_archive_is_refused(stack, host, engine):
    reset_container(Container(get_settings(), clock=lambda: datetime(2026, 11, 11, 6, 0, tzinfo=UTC)))
    container().jobs.save(ArchiveJob(id="megan", user=USER, timezone="UTC", run_hour=1))
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Slow day"))
    stack.faults.latency_ms = 300
    timer_run = f"archive-megan-{DAY}"  # the timer names the run after the job

    tick = requests.post(f"{host.base_url}/admin/functions/archive_timer", json={"input": ""}, timeout=10)
    assert tick.status_code == 202
    wait_for(lambda: engine.get_status(timer_run), timeout=20)
    response = requests.post(f"{host.base_url}/api/archive", json={"user": USER, "date": DAY}, timeout=10)

    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert timer_run in response.json()["detail"]
    assert engine.wait_for_completion(timer_run, timeout=30).output["archived"] == 1
    assert [i.instance_id for i in engine.instances() if i.name == "archive_orchestrator"] == [timer_run]


def json_schema(node: Any) -> Any:
    """A Swagger 2.0 schema as JSON Schema: `x-nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: json_schema(value) for key, value in node.items() if key != "x-nullable"}
    if node.get("x-nullable"):
        if isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
        else:
            schema = {"anyOf": [schema, {"type": "null"}]}
    return schema


def assert_documented(document: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """The body has exactly the fields the served document gives that answer, each of its documented type."""
    reply = document["paths"][path][method]["responses"][str(status)]["schema"]
    definitions = json_schema(document["definitions"])
    name = reply["$ref"].rsplit("/", 1)[-1]
    definitions[name] = {**definitions[name], "additionalProperties": False,
                         "required": sorted(definitions[name]["properties"])}
    jsonschema.Draft4Validator({"definitions": definitions, **reply}).validate(body)


def test_the_202_and_200_bodies_are_what_the_served_api_document_says(stack, served):
    stack.add_event(USER, event(DAY, "09:00", "10:00", "Quarterly review"))
    document = requests.get(f"{served}/openapi.json", timeout=10).json()

    started = requests.post(f"{served}/archive", json={"user": USER, "date": DAY}, timeout=10)
    assert started.status_code == 202
    assert started.headers["Location"] == started.json()["statusQueryGetUri"]
    assert_documented(document, "/archive", "post", 202, started.json())

    wait_for(lambda: finished(started.json()["statusQueryGetUri"]), timeout=30)
    status = requests.get(f"{served}/archive/{started.json()['id']}", timeout=10)
    assert status.status_code == 200
    assert_documented(document, "/archive/{instance_id}", "get", 200, status.json())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": DAY}, "user"),
        ({"user": USER, "date": "someday"}, "date"),
        ({"user": USER, "date": "2026-11-10 to 2026-11-01"}, "date"),
        ({"user": USER, "timezone": "Nowhere/City"}, "timezone"),
        ({"user": USER, "allow_overlaps": "yes"}, "allow_overlaps"),
        ({"user": 42}, "user"),
        ({"user": "not-a-mailbox"}, "user"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(served, body, field):
    response = requests.post(f"{served}/archive", json=body, timeout=10)

    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == field


def test_malformed_json_and_unknown_instances(served):
    malformed = requests.post(f"{served}/archive", data=b"{not json", timeout=10)
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["field"] == "body"
    missing = requests.get(f"{served}/archive/archive-nobody-2020-01-01", timeout=10)
    assert missing.status_code == 404
