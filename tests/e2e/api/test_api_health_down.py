from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

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
