from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from devtools.graph_simulator import GraphSimulator
from tests.simulator.conftest import UPN

ROOT = Path(__file__).resolve().parents[2]
SEED: dict[str, Any] = {
    "users": [
        {
            "upn": UPN,
            "displayName": "Adele Vance",
            "events": [
                {"subject": "Client meeting", "categories": ["Acme - billable"],
                 "start": {"dateTime": "2026-11-24T10:00:00", "timeZone": "UTC"},
                 "end": {"dateTime": "2026-11-24T11:00:00", "timeZone": "UTC"},
                 "organizer": {"emailAddress": {"name": "Megan Bowen", "address": "megan@contoso.com"}}},
            ],
            "calendars": [{"name": "Archive", "events": [
                {"subject": "Old copy", "start": {"dateTime": "2026-11-20T10:00:00", "timeZone": "UTC"},
                 "end": {"dateTime": "2026-11-20T11:00:00", "timeZone": "UTC"}},
            ]}],
        },
        {"upn": "megan@contoso.com", "displayName": "Megan Bowen"},
    ]
}


def test_load_seed_from_a_file(tmp_path: Path, graph_sim: GraphSimulator) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    user_ids = graph_sim.load_seed(path)
    assert len(user_ids) == 2
    [meeting] = graph_sim.events(UPN)
    assert meeting["subject"] == "Client meeting"
    assert meeting["organizer"]["emailAddress"]["address"] == "megan@contoso.com"
    assert [c["name"] for c in graph_sim.calendars(UPN)] == ["Calendar", "Archive"]
    assert [e["subject"] for e in graph_sim.events(UPN, "Archive")] == ["Old copy"]
    assert graph_sim.calendars("megan@contoso.com")[0]["owner"]["name"] == "Megan Bowen"


def test_load_seed_from_a_dict_adds_to_existing_users(graph_sim: GraphSimulator) -> None:
    graph_sim.add_user(UPN)
    primary = {"name": "Calendar", "events": SEED["users"][0]["events"]}
    graph_sim.load_seed({"users": [{"upn": UPN, "calendars": [primary]}]})
    assert len(graph_sim.events(UPN)) == 1


def test_command_line_serves_a_seed_until_stopped(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.graph_simulator", "--port", "0", "--seed", str(path), "--token", "t0k"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1.0")
        response = requests.get(f"{base_url}/users/{UPN}/calendarView", headers={"Authorization": "Bearer t0k"},
                                params={"startDateTime": "2026-11-24T00:00:00Z", "endDateTime": "2026-11-25T00:00:00Z"})
        assert [e["subject"] for e in response.json()["value"]] == ["Client meeting"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0
