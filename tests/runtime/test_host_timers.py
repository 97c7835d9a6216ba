from __future__ import annotations

from datetime import UTC, datetime

import azure.durable_functions as df
import azure.functions as func
import pytest
import requests

from shared.runtime.engine import DurableEngine
from shared.runtime.host import LocalHost
from shared.runtime.host_timers import Schedule, ScheduleError
from tests.polling import wait_for
from tests.runtime.sample_app import Recorder


def test_admin_endpoint_runs_the_timer_function_once(base_url: str, recorder: Recorder) -> None:
    before = len(recorder.timer_runs)

    response = requests.post(f"{base_url}/admin/functions/nightly", json={"input": ""}, timeout=10)

    assert response.status_code == 202
    wait_for(lambda: len(recorder.timer_runs) > before)
    assert recorder.timer_runs[before:] == [False]


def test_admin_endpoint_answers_404_for_unknown_and_http_functions(base_url: str) -> None:
    for name in ("no_such_function", "hello"):
        response = requests.post(f"{base_url}/admin/functions/{name}", timeout=10)
        assert response.status_code == 404
        assert response.headers["Content-Type"] == "application/problem+json"


def test_admin_endpoint_takes_only_post(base_url: str) -> None:
    assert requests.get(f"{base_url}/admin/functions/nightly", timeout=10).status_code == 405


AT = datetime(2025, 3, 14, 10, 7, 30, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("0 */5 * * * *", datetime(2025, 3, 14, 10, 10, 0, tzinfo=UTC)),
        ("0 0 3 * * *", datetime(2025, 3, 15, 3, 0, 0, tzinfo=UTC)),
        ("30 7 10 * * *", datetime(2025, 3, 15, 10, 7, 30, tzinfo=UTC)),  # strictly after
        ("0 0 9 * * Mon-Fri", datetime(2025, 3, 17, 9, 0, 0, tzinfo=UTC)),
        ("0 0 0 1 Jan *", datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)),
        ("0 30 9 29 2 *", datetime(2028, 2, 29, 9, 30, 0, tzinfo=UTC)),
        ("0 0 9 * * 7", datetime(2025, 3, 16, 9, 0, 0, tzinfo=UTC)),  # 7 is Sunday, as 0 is
        ("0 0 0 13 * Fri", datetime(2025, 3, 21, 0, 0, 0, tzinfo=UTC)),  # day and weekday both given: either
        ("*/15 * * * * *", datetime(2025, 3, 14, 10, 7, 45, tzinfo=UTC)),
        ("00:05:00", datetime(2025, 3, 14, 10, 12, 30, tzinfo=UTC)),
    ],
)
def test_next_occurrence(schedule: str, expected: datetime) -> None:
    assert Schedule.parse(schedule).next_after(AT) == expected


@pytest.mark.parametrize("schedule", ["* * * * *", "0 61 * * * *", "0 0 0 31 2 *", "00:00:00", "every day"])
def test_invalid_schedules_are_refused(schedule: str) -> None:
    with pytest.raises(ScheduleError):
        Schedule.parse(schedule).next_after(AT)


def test_run_timers_fires_on_schedule_and_timers_get_a_durable_client() -> None:
    app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    seen: list[bool] = []

    @app.timer_trigger(arg_name="timer", schedule="* * * * * *")
    @app.durable_client_input(client_name="client")
    async def every_second(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
        seen.append(bool(await client.get_status("nothing-runs-here")))

    functions = app.get_functions()
    with DurableEngine.from_functions(functions) as engine, \
            LocalHost(functions, engine=engine, storage_connection_string=None, run_timers=True):
        wait_for(lambda: len(seen) >= 2, timeout=5)

    assert set(seen) == {False}
