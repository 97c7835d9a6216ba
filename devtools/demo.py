"""`make demo`: the product end to end on the local stack (Azurite, Graph and OpenAI simulators): a week archived
twice, billed as timesheets, then categories suggested for what nobody categorised. Every command it runs is printed
as a person would type it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from devtools.azurite import Azurite
from devtools.graph_simulator import GraphSimulator
from devtools.openai_simulator.simulator import OpenAISimulator
from devtools.routes_simulator.simulator import SIM_API_KEY, RoutesSimulator
from shared.cli.archive import SUMMARY_COLUMNS, print_summary

SEED = Path(__file__).parent / "demo_data" / "week.json"
USER = "adele.vance@contoso.example"
WEEK = "2026-11-16 to 2026-11-22"
ZONE = "Europe/London"
TOKEN = "demo-token"
OUT = Path("demo-output") / "timesheets"
NEXT_MONDAY = "2026-11-23"
SITE_DAY = "2026-11-21"
HOME = "1 Home Street, Reading"
# A Saturday at two customers' sites: travel from home, between them, and back.
SITE_VISITS = (("Globex site workshop", "09:00", "11:00", "Fabrikam Plant, Bracknell", "Globex - billable"),
               ("Initech on-site review", "13:00", "15:00", "Contoso HQ, Slough", "Billable - Initech"))
OPENAI_KEY = "sk-demo"
# Three appointments nobody categorised: one a rule knows, one history knows, one only the model can place.
UNCATEGORISED = (("Acme planning", "09:00", "10:00"), ("Globex sync", "10:30", "11:00"),
                 ("Roadmap with the Initech team", "14:00", "15:00"))
# Where each fetched appointment went; together they are all of them.
OUTCOMES = {"archived": "archived", "already_archived": "already archived", "failed": "failed",
            "cancelled": "cancelled (never archived)", "markers_folded": "modification markers folded into their "
            "meeting", "orphan_markers": "markers that matched no meeting (issues below)",
            "held_back": "held back (strict mode)", "dropped": "dropped by auto-resolution (strict mode)"}
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _shared(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], str]:
    command = [sys.executable, "-m", "shared", *args]
    shown = "python -m shared " + " ".join(shlex.quote(a) for a in args)
    return subprocess.run(command, env=env, text=True, capture_output=True, timeout=300), shown


def _archive(env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], str]:
    return _shared(env, "archive", "--user", USER, "--date", WEEK, "--timezone", ZONE, "--json")


def _archive_copies(sim: GraphSimulator) -> int:
    archive = next(c for c in sim.calendars(USER) if c["name"] == "Archive")
    return len(sim.events(USER, archive["id"]))


def _story(summary: dict[str, Any]) -> None:
    totals = {column: sum(day.get(column, 0) for day in summary["days"]) for column in SUMMARY_COLUMNS}
    parts = " + ".join(f"{totals[key]} {label}" for key, label in OUTCOMES.items() if totals[key])
    accounted = sum(totals[key] for key in OUTCOMES)
    verdict = "every one accounted for" if accounted == totals["fetched"] else "SOME UNACCOUNTED FOR"
    console.print(f"{totals['fetched']} appointments fetched = {parts}: {verdict}.")
    console.print(f"private: {totals['privacy_updated']} appointments with no category (personal) or about travel "
                  "were made private in the calendar, and their copies are private too; nothing is ever un-marked.")
    for day in summary["days"]:
        for conflict_id, subjects in zip(day["conflict_ids"], day["conflict_subjects"], strict=True):
            console.print(escape(f"conflict {conflict_id} ({day['day']}: {' / '.join(subjects)}): both stay "
                                 "archived and the overlap waits for a person. Resolve it with POST "
                                 f"/api/conflicts/{conflict_id}/resolve {{\"keep\": [event ids]}} (README: Try "
                                 "it by hand)."))


def _timesheets(env: dict[str, str]) -> int:
    result, shown = _shared(env, "timesheet", "--user", USER, "--date", WEEK, "--timezone", ZONE, "--out", str(OUT),
                            "--json")
    console.rule(f"Timesheets: {shown}")
    if result.returncode != 0:
        console.print(escape(result.stderr), style="red")
        return result.returncode
    for sheet in json.loads(result.stdout)["timesheets"]:
        console.print(f"{escape(sheet['customer'])}: effort {sheet['effort_hours']:g} h, billable "
                      f"{sheet['billable_hours']:g} h (travel {sheet['travel_hours']:g} h, billed "
                      f"{sheet['travel_billable_hours']:g} h), {len(sheet['needs_review'])} to review; "
                      f"{', '.join(sheet['files'].values())}")
    return 0


def _travel(env: dict[str, str], sim: GraphSimulator) -> int:
    for subject, start, end, place, category in SITE_VISITS:
        sim.add_event(USER, {"subject": subject, "location": {"displayName": place}, "categories": [category],
                             "start": {"dateTime": f"{SITE_DAY}T{start}:00", "timeZone": "UTC"},
                             "end": {"dateTime": f"{SITE_DAY}T{end}:00", "timeZone": "UTC"}, "showAs": "busy"})
    home, shown = _shared(env, "places", "set", "--user", USER, "--home", HOME)
    console.rule(f"Travel. Where the day starts: {shown}")
    if home.returncode != 0:
        console.print(escape(home.stderr), style="red")
        return home.returncode
    planned, shown = _shared(env, "travel", "--user", USER, "--date", SITE_DAY, "--json")
    console.rule(f"Then: {shown}")
    if planned.returncode != 0:
        console.print(escape(planned.stderr or planned.stdout), style="red")
        return planned.returncode
    for day in json.loads(planned.stdout)["days"]:
        for trip in day["travel"]:
            console.print(escape(f"{trip['start'][11:16]}-{trip['end'][11:16]} {trip['subject']} ({trip['minutes']} min"
                                 f"{', estimated' if trip['estimated'] else ''}; {trip['category'] or 'no customer'})"))
    console.print("The trips are private, Show As out of office, and billed in the timesheets' Travel sections.")
    return 0


def _suggestions(env: dict[str, str], sim: GraphSimulator) -> int:
    for subject, start, end in UNCATEGORISED:
        sim.add_event(USER, {"subject": subject, "start": {"dateTime": f"{NEXT_MONDAY}T{start}:00", "timeZone": "UTC"},
                             "end": {"dateTime": f"{NEXT_MONDAY}T{end}:00", "timeZone": "UTC"}, "categories": [],
                             "showAs": "busy"})
    rule, shown = _shared(env, "rules", "add", "--user", USER, "--category", "Acme Corp - billable",
                          "--subject-word", "acme")
    console.rule(f"Category suggestions. A rule: {shown}")
    if rule.returncode != 0:
        console.print(escape(rule.stderr), style="red")
        return rule.returncode
    result, shown = _shared(env, "suggest", "--user", USER, "--date", NEXT_MONDAY, "--json")
    console.rule(f"Then: {shown}")
    if result.returncode != 0:
        console.print(escape(result.stderr), style="red")
        return result.returncode
    run = json.loads(result.stdout)
    console.print(f"model: {run['model']} (the OpenAI simulator; it saw scrubbed subjects, never bodies or names)")
    for item in run["suggestions"]:
        console.print(escape(f"{item['subject']} → {item['category']} (from {item['source']}, confidence "
                             f"{item['confidence']:.2f}: {item['reason']})"))
    console.print("Accept one with POST /api/suggestions/<id>/accept: the category goes onto the appointment and its "
                  "archive copy.")
    return 0


def run_demo() -> int:
    started = time.monotonic()
    console.rule("Admin Assistant demo: one week on the local stack")
    with Azurite() as azurite, GraphSimulator(token=TOKEN, latency_ms=5) as sim, \
            OpenAISimulator(api_key=OPENAI_KEY, keywords={"roadmap": "Billable - Initech"}) as model, \
            RoutesSimulator() as routes:
        sim.load_seed(SEED)
        console.print(f"Azurite tables at {azurite.connection_string.split('TableEndpoint=')[1].rstrip(';')}")
        console.print(f"Graph simulator at {sim.base_url}, mailbox {USER} seeded from {SEED.name}")
        console.print(f"OpenAI simulator at {model.base_url}")
        console.print(f"Routes simulator at {routes.base_url}")
        env = {**os.environ, "AzureWebJobsStorage": azurite.connection_string, "GRAPH_BASE_URL": sim.base_url,
               "GRAPH_ACCESS_TOKEN": TOKEN, "OPENAI_BASE_URL": model.base_url, "OPENAI_API_KEY": OPENAI_KEY,
               "ROUTES_BASE_URL": routes.base_url, "GOOGLE_MAPS_API_KEY": SIM_API_KEY}
        if (code := _travel(env, sim)) != 0:
            return code
        first, shown = _archive(env)
        console.rule(f"First run: {shown}")
        if first.returncode not in (0, 1):
            console.print(escape(first.stderr), style="red")
            return first.returncode
        summary = json.loads(first.stdout)
        print_summary([{"user": USER, **summary}])
        _story(summary)
        copies = _archive_copies(sim)
        second, shown = _archive(env)
        console.rule(f"Second run, the same week again: {shown}")
        if second.returncode not in (0, 1):
            console.print(escape(second.stderr), style="red")
            return second.returncode
        again = json.loads(second.stdout)
        after = _archive_copies(sim)
        console.print(f"archived {again['archived']}, already archived {again['already_archived']}, "
                      f"conflicts {again['conflicts']}, failed {again['failed']}")
        verdict = "nothing duplicated" if after == copies and again["archived"] == 0 else "DUPLICATES FOUND"
        console.print(f"Archive calendar holds {after} copies after both runs: [bold]{verdict}[/bold]")
        billed = _timesheets(env) or _suggestions(env, sim)
    console.print(f"Demo finished in {time.monotonic() - started:.1f} s; Azurite and the simulator are stopped.")
    return 0 if verdict == "nothing duplicated" and billed == 0 else 1
