from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devtools.azurite import DEV_ACCOUNT, DEV_KEY
from shared.bootstrap import reset_container
from shared.runtime.host import LocalHost
from shared.runtime.local_app import app_functions


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def storage_down(api_settings: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    endpoint = f"http://127.0.0.1:{_closed_port()}/{DEV_ACCOUNT}"
    monkeypatch.setenv(
        "AzureWebJobsStorage",
        f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};TableEndpoint={endpoint};"
        f"QueueEndpoint={endpoint};BlobEndpoint={endpoint};",
    )
    reset_container()
    yield
    monkeypatch.undo()
    reset_container()


def test_health_is_503_naming_storage_when_storage_does_not_answer(storage_down: None) -> None:
    with LocalHost(app_functions()) as host:
        answer = requests.get(f"{host.base_url}/api/health", timeout=30)
        listing = requests.get(f"{host.base_url}/api/conflicts", timeout=30)

    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["storage"].startswith("unavailable")
    assert DEV_KEY not in answer.text
    assert listing.status_code == 503
    assert listing.headers["Content-Type"].startswith("application/problem+json")


def test_health_is_503_when_storage_is_not_configured(api_settings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AzureWebJobsStorage")
    reset_container()
    try:
        with LocalHost(app_functions()) as host:
            answer = requests.get(f"{host.base_url}/api/health", timeout=30)
    finally:
        monkeypatch.undo()
        reset_container()

    assert answer.status_code == 503
    assert answer.json()["checks"] == {"storage": "unavailable (SettingsError)"}


STORAGE_DOWN_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
CONFLICT = {"id": "20261009-00000000000000000000"}
JOB = {"id": "some-job"}
# Well-formed requests of every operation that needs storage: (operation id, path parameters, body).
STORAGE_REQUESTS: tuple[tuple[str, dict[str, str], Any], ...] = (
    ("listConflicts", {}, None), ("getConflict", CONFLICT, None), ("resolveConflict", CONFLICT, {"keep": []}),
    ("listAudit", {}, None), ("exportAudit", {}, None), ("listJobs", {}, None), ("getJob", JOB, None),
    ("putJob", JOB, {"user": "adele@contoso.com"}), ("deleteJob", JOB, None),
    ("startArchive", {}, {"user": "adele@contoso.com", "date": "2026-11-24"}),
)


@pytest.mark.parametrize(("operation_id", "path", "body"), STORAGE_REQUESTS, ids=[r[0] for r in STORAGE_REQUESTS])
def test_without_storage_an_operation_answers_its_documented_503(
    storage_down: None, operation_id: str, path: dict[str, str], body: Any
) -> None:
    with LocalHost(app_functions()) as host:
        api = f"{host.base_url}/api"
        operation = schemathesis.openapi.from_url(f"{api}/openapi.json", timeout=10).find_operation_by_id(
            operation_id)
        case = operation.Case(path_parameters=path, **({} if body is None else {"body": body,
                                                                               "media_type": "application/json"}))
        answer = case.call_and_validate(base_url=api, timeout=20, checks=STORAGE_DOWN_CHECKS)

    assert answer.status_code == 503, answer.text
