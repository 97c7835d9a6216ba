from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

import pytest
import requests

from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import Container, container
from shared.runtime.engine import DurableEngine
from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions
from tests.stack import TOKEN, app_pointed_at


@pytest.fixture(scope="package")
def graph() -> Iterator[GraphSimulator]:
    with GraphSimulator(token=TOKEN) as sim:
        yield sim


@pytest.fixture(scope="package")
def api_settings(storage_connection_string: str, graph: GraphSimulator) -> Iterator[None]:
    """The app's settings pointed at Azurite and the simulator, with tables and a queue of its own."""
    app_functions()  # import-time setting defaults of the app are set first, so restoring keeps them
    suffix = uuid.uuid4().hex[:8]
    with pytest.MonkeyPatch.context() as patch, app_pointed_at(
        patch, storage_connection_string, graph.base_url, AUDIT_TABLE=f"ApiAudit{suffix}",
        CONFLICTS_TABLE=f"ApiConflicts{suffix}", ARCHIVE_SCHEDULE="0 5 * * * *",
        NOTIFICATION_QUEUE=f"api-notifications-{suffix}",
    ):
        yield


@pytest.fixture(scope="package")
def host(api_settings: None, storage_connection_string: str) -> Iterator[LocalHost]:
    functions = app_functions()
    with DurableEngine.from_functions(functions) as engine, LocalHost(
        functions, engine=engine, storage_connection_string=storage_connection_string, queue_poll_interval=0.1
    ) as running:
        yield running


@pytest.fixture(scope="package")
def api(host: LocalHost) -> str:
    return f"{host.base_url}/api"


@pytest.fixture
def deps(api_settings: None) -> Container:
    return container()


@pytest.fixture
def mailbox() -> str:
    """A user of its own for each test: rows of other tests never match its filters."""
    return f"user-{uuid.uuid4().hex[:10]}@contoso.com"


Call = Callable[..., requests.Response]


@pytest.fixture
def call(api: str) -> Call:
    def send(method: str, path: str, **options: Any) -> requests.Response:
        options.setdefault("timeout", 30)
        return requests.request(method, f"{api}/{path.lstrip('/')}", **options)

    return send


PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}
# With `type` about:blank the title is the status' own phrase (RFC 9457 4.2.1); 413 goes by its RFC 9110 name too.
OTHER_PHRASES = {413: {"Payload Too Large", "Content Too Large"}}


def assert_problem(response: requests.Response, status: int, field: str | None = None) -> dict[str, Any]:
    """The documented problem shape, whole: every member, the HTTP status repeated, `errors` as field/message pairs.

    A 400 must name the field at fault (pass `field`): in `errors` and in `detail`. Other statuses name no field.
    """
    assert status != 400 or field, "a 400 names the field at fault: pass the field it must name"
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status and type(body["status"]) is int, body
    assert body["type"] == "about:blank", body
    assert body["title"] in {HTTPStatus(status).phrase, *OTHER_PHRASES.get(status, ())}, body
    assert isinstance(body["detail"], str) and body["detail"].strip(), body
    errors = body["errors"]
    assert isinstance(errors, list), body
    for error in errors:
        assert isinstance(error, dict) and set(error) == {"field", "message"}, body
        assert isinstance(error["field"], str) and error["field"], body
        assert isinstance(error["message"], str) and error["message"], body
    if status == 400:
        assert errors, f"a 400 names the fields at fault: {body}"
        assert field in [error["field"] for error in errors], body
        assert field is not None and field in body["detail"], body
    else:
        assert errors == [], body
        assert field is None, "only a 400 names fields"
    return body
