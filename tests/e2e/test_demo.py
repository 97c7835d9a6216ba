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
           if not k.startswith(("AzureWebJobs", "GRAPH_", "NOTIFICATION_", "ARCHIVE_", "OPENAI_", "AZURE_OPENAI_",
                                 "ROUTES_", "GOOGLE_"))}
    env.update({"PYTHONPATH": str(ROOT)})  # piped, as in CI: the summary must not be squeezed to 80 columns

    demo = subprocess.run([sys.executable, "-m", "shared", "demo"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)

    out = demo.stdout + demo.stderr
    assert demo.returncode == 0, out
    # total: fetched, archived, already, failed, cancelled, markers, orphans, held, dropped, private, conflicts
    assert re.search(r"│ total\s+│\s+44 │\s+38 │\s+0 │\s+0 │\s+1 │\s+4 │\s+1 │\s+0 │\s+0 │\s+6 │\s+1 │", out), out
    assert "44 appointments fetched = 38 archived + 1 cancelled" in out and "every one accounted for" in out
    assert "conflict 2026-11-19: Acme escalation / Globex contract review (id 20261119-" in out
    assert re.search(r'POST /api/conflicts/20261119-[0-9a-f]{20}/resolve \{"keep": \[event ids\]\}', out), out
    assert "python -m shared archive --user adele.vance@contoso.example --date '2026-11-16 to 2026-11-22' " \
           "--timezone Europe/London" in out
    assert "matched no meeting" in out and "Missing ' - ' separator" in out
    assert "archived 0, already archived 38, conflicts 1, failed 0" in out
    assert "Archive calendar holds 38 copies after both runs" in out
    billed = dict(re.findall(r"^(\w[\w ]*): effort ([\d.]+) h", out, re.MULTILINE))
    assert billed == {"Acme Corp": "10", "Globex": "8.5", "Initech": "6"}, out
    assert (tmp_path / "demo-output" / "timesheets" / "Timesheet Globex 2026-11-16 to 2026-11-22 DRAFT.pdf").exists()
    # A Saturday at two customers' sites: from home, between them, back, each billed to its customer.
    assert "08:40-09:00 Travel to Fabrikam Plant, Bracknell (20 min; Globex - billable)" in out
    assert "11:00-11:25 Travel to Contoso HQ, Slough (25 min; Initech - billable)" in out
    assert "15:00-15:35 Travel to Home (35 min; Initech - billable)" in out
    assert "Initech: effort 6 h, billable 5.5 h (travel 1 h, billed 0.5 h)" in out
    # One suggestion from each source: the rule the demo adds, the week's history, and the model.
    assert "Acme planning → Acme Corp - billable (from rule" in out
    assert "Globex sync → Globex - billable (from history" in out
    assert "Roadmap with the Initech team → Billable - Initech (from model" in out
    ports = [int(p) for p in re.findall(r"(?:Azurite tables|Graph simulator|OpenAI simulator|Routes simulator) at "
                                        r"http://127\.0\.0\.1:(\d+)", out)]
    assert len(ports) == 4 and not any(_listening(port) for port in ports)
