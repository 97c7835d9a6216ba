"""`python -m shared serve` as a user runs it: from any directory, on the port asked for, until stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from devtools.azurite import free_port
from devtools.graph_simulator import GraphSimulator
from shared.bootstrap import container
from tests.polling import wait_for
from tests.stack import USER, event

ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_on_the_requested_port(storage_connection_string: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE_SCHEDULE", "NOTIFICATION_QUEUE")}
    env.update({"AzureWebJobsStorage": storage_connection_string, "PYTHONPATH": str(ROOT)})
    server = subprocess.Popen(
        [sys.executable, "-m", "shared", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        def health() -> requests.Response | None:
            assert server.poll() is None, server.stdout.read() if server.stdout else "serve exited"
            try:
                return requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
            except requests.ConnectionError:
                return None

        answer = wait_for(health, timeout=30, interval=0.2)
        assert answer.status_code == 200 and answer.json()["checks"]["storage"] == "ok"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_an_archive_started_over_http_on_serve_completes_and_its_status_url_follows_it(
    stack: GraphSimulator, tmp_path: Path
) -> None:
    jobs = container().jobs
    for job in jobs.list():  # a job would name the instance after itself
        jobs.delete(job.id)
    stack.add_event(USER, event("2026-08-04", "09:00", "10:00", "Served review"))
    stack.add_event(USER, event("2026-08-04", "12:00", "13:00", "Dentist", categories=[]))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ARCHIVE_SCHEDULE", "NOTIFICATION_QUEUE")}
    env["PYTHONPATH"] = str(ROOT)  # the simulator, Azurite and the static token come from the stack's settings
    server = subprocess.Popen([sys.executable, "-m", "shared", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: _answers(server, f"{api}/health"), timeout=30, interval=0.2)

        started = requests.post(f"{api}/archive", json={"user": USER, "date": "2026-08-04"}, timeout=10)
        assert started.status_code == 202, started.text
        status_url = started.json()["statusQueryGetUri"]
        assert status_url.startswith(f"http://127.0.0.1:{port}/")
        done = wait_for(lambda: _finished(status_url), timeout=60, interval=0.2)
        handshake = requests.post(f"{api}/graph/notifications", params={"validationToken": "served token"},
                                  timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert done["runtimeStatus"] == "Completed", done
    assert {k: done["output"][k] for k in ("fetched", "archived", "failed")} == {"fetched": 2, "archived": 2,
                                                                                 "failed": 0}
    assert done["customStatus"]["stage"] == "done"
    archive = next(c for c in stack.calendars(USER) if c["name"] == "Archive")
    copies = {c["subject"]: c for c in stack.events(USER, archive["id"])}
    assert set(copies) == {"Served review", "Dentist"} and copies["Dentist"]["sensitivity"] == "private"
    assert (handshake.status_code, handshake.text) == (200, "served token")


def _answers(server: subprocess.Popen[str], url: str) -> requests.Response | None:
    assert server.poll() is None, server.stdout.read() if server.stdout else "serve exited"
    try:
        return requests.get(url, timeout=2)
    except requests.ConnectionError:
        return None


def _finished(url: str) -> dict[str, Any] | None:
    body = requests.get(url, timeout=5).json()
    return body if body["runtimeStatus"] in ("Completed", "Failed", "Terminated") else None
