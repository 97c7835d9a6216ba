from __future__ import annotations

import json
from pathlib import Path

import azure.functions as func
import requests

from shared.runtime.host import LocalHost
from shared.runtime.host_config import HOST_JSON, HostSettings, read_host_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_apps_host_json_is_read_as_azure_reads_it() -> None:
    raw = json.loads((ROOT / "host.json").read_text())["extensions"]

    extensions = read_host_settings(HOST_JSON).extensions

    assert extensions.durable_task.hub_name == raw["durableTask"]["hubName"]
    assert extensions.durable_task.max_concurrent_activity_functions == raw["durableTask"][
        "maxConcurrentActivityFunctions"]
    assert extensions.http.route_prefix == raw["http"]["routePrefix"]
    assert extensions.queues.max_dequeue_count == raw["queues"]["maxDequeueCount"]
    assert extensions.queues.batch_size == raw["queues"]["batchSize"]


def test_a_missing_host_json_means_the_functions_defaults(tmp_path: Path) -> None:
    extensions = read_host_settings(tmp_path / "host.json").extensions

    assert (extensions.http.route_prefix, extensions.queues.max_dequeue_count, extensions.queues.batch_size) == (
        "api", 5, 16)


def _app_with_one_route() -> func.FunctionApp:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping", methods=["GET"])
    def ping(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("pong")

    return app


def test_the_local_host_serves_under_the_route_prefix_of_its_settings() -> None:
    settings = HostSettings.model_validate({"extensions": {"http": {"routePrefix": "v1"}}})

    with LocalHost(_app_with_one_route().get_functions(), settings=settings) as host:
        prefixed = requests.get(f"{host.base_url}/v1/ping", timeout=10)
        default = requests.get(f"{host.base_url}/api/ping", timeout=10)

    assert (prefixed.status_code, prefixed.text) == (200, "pong")
    assert default.status_code == 404


def test_an_empty_route_prefix_serves_functions_at_the_root() -> None:
    settings = HostSettings.model_validate({"extensions": {"http": {"routePrefix": ""}}})

    with LocalHost(_app_with_one_route().get_functions(), settings=settings) as host:
        response = requests.get(f"{host.base_url}/ping", timeout=10)

    assert (response.status_code, response.text) == (200, "pong")
