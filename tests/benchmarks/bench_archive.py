"""Archive throughput against the simulator at 20 ms per request, 4 parallel requests per mailbox, pages of 50.

Prints: wall time of a 400-appointment day, Graph requests per archived event against the floor, the ratio to the
concurrency bound, the speed-up over one request per event, and 50 mailboxes x 40 appointments with `--all`.
The simulator runs in a process of its own (simulator_process.py), as Graph does.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devtools.azurite import Azurite  # noqa: E402
from shared.bootstrap import container, reset_container  # noqa: E402
from shared.domain.jobs import ArchiveJob  # noqa: E402
from shared.orchestrators.archive import ARCHIVE_ORCHESTRATOR  # noqa: E402
from shared.runtime.local_app import new_engine  # noqa: E402
from shared.services.archive.contracts import ArchiveRequest  # noqa: E402

LATENCY_MS = 20
PAGE_CAP = 50
DAY = "2026-11-24"
TOKEN = "bench-token"


def appointment(i: int, subject: str) -> dict:
    minute = 6 * 60 + i * 2  # 400 appointments of 2 minutes, back to back from 06:00 (touching, not overlapping)
    start, end = minute, minute + 2
    return {
        "subject": subject,
        "body": {"contentType": "text", "content": "Agenda"},
        "start": {"dateTime": f"{DAY}T{start // 60:02d}:{start % 60:02d}:00", "timeZone": "UTC"},
        "end": {"dateTime": f"{DAY}T{end // 60:02d}:{end % 60:02d}:00", "timeZone": "UTC"},
        "categories": ["Acme Corp - billable"],
    }


def archive(engine, user: str, instance_id: str) -> dict:
    request = ArchiveRequest(user=user, start=DAY, end=DAY).model_dump(mode="json")
    engine.start_new(ARCHIVE_ORCHESTRATOR, instance_id=instance_id, client_input=request)
    status = engine.wait_for_completion(instance_id, timeout=600)
    assert status.runtime_status == "Completed", status.output
    return status.output


SINGLE = "bench@contoso.example"
UNCATEGORISED = ("plain@contoso.example", "suggested@contoso.example")  # archived with the model off, then on
MAILBOXES = [f"user{n:02d}@contoso.example" for n in range(50)]
SOLO = "solo@contoso.example"  # one more mailbox like those, archived on its own for comparison


class SimulatorProcess:
    def __init__(self, seed: dict) -> None:
        self._seed = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
        json.dump(seed, self._seed)
        self._seed.close()
        script = Path(__file__).with_name("simulator_process.py")
        self._process = subprocess.Popen(
            [sys.executable, str(script), self._seed.name, str(LATENCY_MS), str(PAGE_CAP), TOKEN],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()

    def _ask(self, command: str) -> list[dict]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(command + "\n")
        self._process.stdin.flush()
        return json.loads(self._process.stdout.readline())

    def clear_requests(self) -> None:
        self._ask("clear")

    def requests(self) -> list[dict]:
        return self._ask("requests")

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        os.unlink(self._seed.name)


def seed() -> dict:
    users = [{"upn": SINGLE, "events": [appointment(i, f"Appointment {i}") for i in range(400)]}]
    users += [{"upn": user, "events": [appointment(i, f"{user} appointment {i}") for i in range(40)]}
              for user in [*MAILBOXES, SOLO]]
    # One categorised appointment makes its category known; the model may answer only known ones.
    users += [{"upn": user, "events": [appointment(0, "Acme kickoff")] + [
        {**appointment(i, f"Client meeting {i % 40}"), "categories": []} for i in range(1, 400)]}
        for user in UNCATEGORISED]
    return {"users": users}


def single_mailbox(sim: SimulatorProcess) -> None:
    user = SINGLE
    engine = new_engine()
    sim.clear_requests()
    started = time.perf_counter()
    output = archive(engine, user, "bench-single")
    wall = time.perf_counter() - started
    engine.shutdown()
    top_level = sim.requests()
    pages = sum(1 for r in top_level if r["path"].endswith("/calendarView") and r["status"] == 200)
    source_pages = math.ceil(400 / PAGE_CAP)
    floor = (source_pages + math.ceil(400 / 20)) / 400
    per_event = len(top_level) / output["archived"]
    bound = (source_pages + math.ceil(400 / 4)) * LATENCY_MS / 1000
    print(f"archive of 400 appointments: {wall:.2f} s wall, {output['archived']} archived, {output['failed']} failed")
    print(
        f"  Graph requests per archived event: {per_event:.4f} ({len(top_level)} requests, {pages} calendarView pages"
        f" incl. the archive calendar); floor {floor:.4f}; {100 * (per_event / floor - 1):+.1f}% over the floor"
    )
    print(f"  ratio to the bound (pages + 400/4) x {LATENCY_MS} ms = {bound:.2f} s: {wall / bound:.2f} (target <= 1.5)")

    # The naive way: one POST per event, one after the other.
    client = container().graph
    created = client.request("POST", f"/users/{user}/calendars", mailbox=user, json={"name": "Naive"})
    assert created is not None
    archive_id = created["id"]
    started = time.perf_counter()
    for i in range(400):
        client.request("POST", f"/users/{user}/calendars/{archive_id}/events", mailbox=user, json=appointment(i, "x"))
    naive = time.perf_counter() - started
    print(f"  one request per event: {naive:.2f} s; speed-up of the batched archive: {naive / wall:.1f}x")


def many_mailboxes() -> None:
    engine = new_engine()
    started = time.perf_counter()
    archive(engine, SOLO, "bench-solo")
    solo = time.perf_counter() - started
    engine.shutdown()
    jobs = container().jobs
    for user in MAILBOXES:
        jobs.save(ArchiveJob(user=user))
    from shared.cli import main

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(["archive", "--all", "--date", DAY, "--json"])
        except SystemExit as exit_:
            assert exit_.code == 0, f"archive --all exited {exit_.code}"
    wall = time.perf_counter() - started
    result = json.loads(out.getvalue())
    assert (result["archived"], result["failed"]) == (2000, 0), result["errors"]
    bound = (math.ceil(40 / PAGE_CAP) + math.ceil(40 / 4)) * LATENCY_MS / 1000
    print(
        f"archive --all of 50 mailboxes x 40 appointments: {wall:.2f} s wall; single-mailbox bound {bound:.2f} s; "
        f"ratio {wall / bound:.1f} (50 sequential mailboxes would be >= 50)"
    )
    print(f"  one such mailbox alone: {solo:.2f} s; 50 of them one after another: {50 * solo:.1f} s; "
          f"in parallel {50 * solo / wall:.1f}x faster")


def suggestions_overhead() -> None:
    """The same 400 uncategorised appointments archived with the model off and on: what suggestions add."""
    from devtools.openai_simulator.simulator import OpenAISimulator

    walls = []
    with OpenAISimulator(api_key="sk-bench", keywords={"client": "Acme Corp - billable"}) as model:
        model_on = {"OPENAI_BASE_URL": model.base_url, "OPENAI_API_KEY": "sk-bench"}
        for user, settings in zip(UNCATEGORISED, ({}, model_on), strict=True):
            for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
                os.environ.pop(name, None)
            os.environ.update(settings)
            reset_container()
            engine = new_engine()
            started = time.perf_counter()
            output = archive(engine, user, f"bench-{user.split('@')[0]}")
            walls.append(time.perf_counter() - started)
            engine.shutdown()
        calls = len(model.requests)
    suggested = sum(1 for issue in output["issues"] if ": suggestion: " in issue)
    print(f"archive of 399 uncategorised appointments: {walls[0]:.2f} s with suggestions off, {walls[1]:.2f} s on "
          f"(+{walls[1] - walls[0]:.2f} s; {calls} model calls, {suggested} suggestions listed)")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        os.environ.pop(name, None)
    reset_container()


def main() -> None:
    with Azurite() as azurite, SimulatorProcess(seed()) as sim:
        os.environ.update(
            {"AzureWebJobsStorage": azurite.connection_string, "GRAPH_BASE_URL": sim.base_url,
             "GRAPH_ACCESS_TOKEN": TOKEN}
        )
        reset_container()
        single_mailbox(sim)
        suggestions_overhead()
        many_mailboxes()


if __name__ == "__main__":
    main()
