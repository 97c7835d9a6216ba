"""`python -m shared serve` as a user runs it: from any directory, on the port asked for, until stopped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from devtools.azurite import free_port
from tests.e2e.runtime.polling import wait_for

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
