"""`make demo` runs `python -m shared demo`: a week archived twice on a stack it starts and stops itself."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_demo_archives_the_sample_week_once_and_stops_what_it_started(tmp_path: Path) -> None:
    # Nothing from the test session's own stack: the demo brings its own.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AzureWebJobs", "GRAPH_", "NOTIFICATION_", "ARCHIVE_"))}
    env.update({"PYTHONPATH": str(ROOT), "COLUMNS": "200"})

    demo = subprocess.run([sys.executable, "-m", "shared", "demo"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)

    out = demo.stdout + demo.stderr
    assert demo.returncode == 0, out
    assert re.search(r"│ total\s+│\s+39 │\s+33 │\s+0 │\s+6 │\s+1 │\s+0 │", out), out
    assert "conflict 2026-11-19: Acme escalation / Globex contract review" in out
    assert "matched no meeting" in out and "Missing ' - ' separator" in out
    assert "archived 0, already archived 33, conflicts 1, failed 0" in out
    assert "Archive calendar holds 33 copies after both runs" in out
    ports = [int(p) for p in re.findall(r"(?:Azurite tables|Graph simulator) at http://127\.0\.0\.1:(\d+)", out)]
    assert len(ports) == 2 and not any(_listening(port) for port in ports)
