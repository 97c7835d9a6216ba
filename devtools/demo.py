"""`make demo`: the daily archive end to end on the local stack (Azurite + Graph simulator), run twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from devtools.azurite import Azurite
from devtools.graph_simulator import GraphSimulator

SEED = Path(__file__).parent / "demo_data" / "week.json"
USER = "adele.vance@contoso.example"
WEEK = "2026-11-16 to 2026-11-22"
TOKEN = "demo-token"
console = Console()


def _archive(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "shared", "archive", "--user", USER, "--date", WEEK, "--timezone", "Europe/London"]
    return subprocess.run([*command, *extra], env=env, text=True, capture_output=True, timeout=300)


def _archive_copies(sim: GraphSimulator) -> int:
    archive = next(c for c in sim.calendars(USER) if c["name"] == "Archive")
    return len(sim.events(USER, archive["id"]))


def run_demo() -> int:
    started = time.monotonic()
    console.rule("Admin Assistant demo: archiving one week on the local stack")
    with Azurite() as azurite, GraphSimulator(token=TOKEN, latency_ms=5) as sim:
        sim.load_seed(SEED)
        console.print(f"Azurite tables at {azurite.connection_string.split('TableEndpoint=')[1].rstrip(';')}")
        console.print(f"Graph simulator at {sim.base_url}, mailbox {USER} seeded from {SEED.name}")
        env = {
            **os.environ,
            "AzureWebJobsStorage": azurite.connection_string,
            "GRAPH_BASE_URL": sim.base_url,
            "GRAPH_ACCESS_TOKEN": TOKEN,
        }
        console.rule(f"First run: python -m shared archive --user {USER} --date '{WEEK}'")
        first = _archive(env)
        console.print(first.stdout, end="")
        if first.returncode not in (0, 1):
            console.print(first.stderr, style="red")
            return first.returncode
        copies = _archive_copies(sim)
        console.rule("Second run: the same week again")
        second = _archive(env, "--json")
        if second.returncode not in (0, 1):
            console.print(second.stderr, style="red")
            return second.returncode
        again = json.loads(second.stdout)
        after = _archive_copies(sim)
        console.print(
            f"archived {again['archived']}, already archived {again['already_archived']}, "
            f"conflicts {again['conflicts']}, failed {again['failed']}"
        )
        verdict = "nothing duplicated" if after == copies and again["archived"] == 0 else "DUPLICATES FOUND"
        console.print(f"Archive calendar holds {after} copies after both runs: [bold]{verdict}[/bold]")
    console.print(f"Demo finished in {time.monotonic() - started:.1f} s; Azurite and the simulator are stopped.")
    return 0 if verdict == "nothing duplicated" else 1
