"""The Routes client against the Routes simulator: masks, traffic, typical times, errors, retries, no route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import requests

from devtools.routes_simulator import RoutesSimulator
from shared.routing import FIELD_MASK, RoutesClient, RoutingKeyError, RoutingUnavailable

FUTURE = dt.datetime(2030, 1, 7, 8, 30, tzinfo=dt.UTC)  # rush hour in the simulator: traffic factor 1.5
Build = Callable[..., RoutesClient]


def test_a_future_departure_gets_traffic_and_typical_durations_with_a_minimal_field_mask(
    routes_sim: RoutesSimulator, routes_client_for: Build
) -> None:
    answer = routes_client_for(routes_sim).duration("1 Home Street, Reading", "Contoso HQ, Slough", FUTURE)

    assert answer is not None
    assert (answer.traffic_seconds, answer.typical_seconds) == (2880.0, 1920.0)
    [sent] = routes_sim.requests
    assert (sent.routing_preference, sent.departure_time, sent.field_mask) == (
        "TRAFFIC_AWARE", "2030-01-07T08:30:00Z", FIELD_MASK)


def test_without_departure_only_the_typical_time_is_asked_for(
    routes_sim: RoutesSimulator, routes_client_for: Build
) -> None:
    answer = routes_client_for(routes_sim).duration("Home", "Fabrikam Plant", None)
    assert answer is not None and (answer.traffic_seconds, answer.typical_seconds) == (None, 1080.0)
    assert routes_sim.requests[0].routing_preference == "TRAFFIC_UNAWARE"


def test_an_unknown_address_is_no_route(routes_sim: RoutesSimulator, routes_client_for: Build) -> None:
    assert routes_client_for(routes_sim).duration("Home", "Atlantis", FUTURE) is None


def test_a_bad_key_is_a_key_error_without_retry(routes_sim: RoutesSimulator, routes_client_for: Build) -> None:
    with pytest.raises(RoutingKeyError) as caught:
        routes_client_for(routes_sim, key="AIzaWrong").duration("Home", "Contoso HQ", FUTURE)
    assert caught.value.reason == "API_KEY_INVALID"
    assert "AIzaWrong" not in str(caught.value)
    assert len(routes_sim.requests) == 1


def test_throttling_is_retried_then_reported(routes_sim: RoutesSimulator, routes_client_for: Build) -> None:
    waits: list[float] = []
    client = routes_client_for(routes_sim, max_attempts=3, sleep=waits.append)
    routes_sim.fail_next("rate_limit")
    assert client.duration("Home", "Contoso HQ", FUTURE) is not None
    assert len(waits) == 1

    routes_sim.fail_next("unavailable", times=3)
    with pytest.raises(RoutingUnavailable) as caught:
        client.duration("Home", "Contoso HQ", FUTURE)
    assert caught.value.status == 503
    assert [r.status for r in routes_sim.requests] == [429, 200, 503, 503, 503]


def test_the_simulator_refuses_a_missing_mask_and_a_past_departure(routes_sim: RoutesSimulator) -> None:
    url = routes_sim.base_url + "/directions/v2:computeRoutes"
    body = {"origin": {"address": "Home"}, "destination": {"address": "Contoso HQ"}, "travelMode": 1,
            "routingPreference": 2}
    no_mask = requests.post(url, json=body, headers={"X-Goog-Api-Key": routes_sim.api_key}, timeout=5)
    assert no_mask.status_code == 400 and "FieldMask is a required parameter" in no_mask.json()["error"]["message"]

    past = requests.post(url, json={**body, "departureTime": "2020-01-01T08:00:00Z"}, timeout=5,
                         headers={"X-Goog-Api-Key": routes_sim.api_key, "X-Goog-FieldMask": "*"})
    assert past.status_code == 400 and past.json()["error"]["status"] == "INVALID_ARGUMENT"

    masked = requests.post(url, json=body, timeout=5, headers={
        "X-Goog-Api-Key": routes_sim.api_key, "X-Goog-FieldMask": "routes.distanceMeters"})
    assert masked.json() == {"routes": [{"distanceMeters": 32000}]}


def test_an_api_that_is_not_enabled_is_a_key_error(routes_sim: RoutesSimulator, routes_client_for: Build) -> None:
    routes_sim.fail_next("permission_denied")
    with pytest.raises(RoutingKeyError) as caught:
        routes_client_for(routes_sim).duration("Home", "Contoso HQ", FUTURE)
    assert caught.value.status == 403
