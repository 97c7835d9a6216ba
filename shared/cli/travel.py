"""`places` (a user's home, office and named places) and `travel` (plan the travel appointments of some days)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from shared.cli.context import ready_container
from shared.cli.output import stdout

if TYPE_CHECKING:
    from shared.services.travel_results import TravelRun

BY = "cli"
places_app = typer.Typer(help="A user's places: home, office and named places appointments are matched to.",
                         no_args_is_help=True)


@places_app.command("set")
def places_set(
    user: Annotated[str, typer.Option(help="Mailbox whose places these are.")],
    home: Annotated[str | None, typer.Option(help="Home address (where days start and end by default).")] = None,
    office: Annotated[str | None, typer.Option(help="Office address.")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone of the user's travel days.")] = None,
    default_minutes: Annotated[int | None, typer.Option(help="Travel time when routing cannot tell (5-600).")] = None,
    out_of_office: Annotated[bool | None, typer.Option(
        "--out-of-office/--no-out-of-office", help="Mark away appointments and travel as out of office.")] = None,
) -> None:
    """Set the user's home and/or office address, and their travel settings."""
    from shared.domain.errors import InvalidInput

    given: dict[str, object] = {"timezone": timezone, "default_minutes": default_minutes,
                                "out_of_office": out_of_office}
    changes = {name: value for name, value in given.items() if value is not None}
    if home is None and office is None and not changes:
        raise InvalidInput("home", "give --home, --office or a travel setting")
    admin = ready_container().place_admin
    if changes:
        admin.set_settings(user, changes, by=BY)
        stdout.print(Text(f"travel settings set for {user}: " + ", ".join(f"{k}={v}" for k, v in changes.items())))
    if home is not None:
        admin.set_home(user, home, by=BY)
        stdout.print(Text(f"home set for {user}"))
    if office is not None:
        admin.set_office(user, office, by=BY)
        stdout.print(Text(f"office set for {user}"))


@places_app.command("add")
def places_add(
    user: Annotated[str, typer.Option(help="Mailbox whose place this is.")],
    name: Annotated[str, typer.Option(help="The place's name, as appointments' locations may give it.")],
    address: Annotated[str, typer.Option(help="Its address, as the routing service finds it.")],
    alias: Annotated[list[str] | None, typer.Option(help="Another way locations name it (repeatable).")] = None,
) -> None:
    """Add (or replace) a named place."""
    place = ready_container().place_admin.add_place(user, {"name": name, "address": address,
                                                           "aliases": alias or []}, by=BY)
    stdout.print(Text(f"place {place.name} saved for {user}"))


@places_app.command("list")
def places_list(
    user: Annotated[str, typer.Option(help="Mailbox whose places to list.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> None:
    """List the user's places (home, office, then by name) and travel settings."""
    view = ready_container().place_admin.list(user)
    if json_output:
        typer.echo(json.dumps(view.model_dump(mode="json"), indent=2))
        return
    table = Table("name", "kind", "address", "aliases")
    for place in view.places:
        table.add_row(*map(Text, (place.name, place.kind, place.address, ", ".join(place.aliases))))
    stdout.print(table)


@places_app.command("remove")
def places_remove(
    user: Annotated[str, typer.Option(help="Mailbox whose place this is.")],
    name: Annotated[str, typer.Option(help="The place's name.")],
) -> None:
    """Remove one of the user's places."""
    ready_container().place_admin.remove(user, name, by=BY)
    stdout.print(Text(f"place {name} removed"))


def travel(
    user: Annotated[str, typer.Option(help="Mailbox (user principal name) whose days to plan.")],
    date: Annotated[str, typer.Option(help="today (default), tomorrow, YYYY-MM-DD, 'A to B', next week, ...")] = (
        "today"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; change nothing.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> int:
    """Plan the travel appointments between physical places of some days (in the user's travel time zone), mark
    out-of-office and record gap alerts. Exit 1 when a day had issues (e.g. the routing key was refused)."""
    run = ready_container().travel_requests.plan(user, date, dry_run=dry_run)
    if json_output:
        stdout.file.write(json.dumps(travel_json(run)) + "\n")
    else:
        _print(run)
    return 1 if run.issues or any(day.issues for day in run.days) else 0


def travel_json(run: TravelRun) -> dict[str, Any]:
    """`{"days": [{"day", "travel", "alerts", "oof_marked"}]}`: what a script needs, not the run's counters."""
    keep = {"day", "travel", "alerts", "oof_marked"}
    return {"days": [day.model_dump(mode="json", include=keep) for day in run.days]}


def _print(run: TravelRun) -> None:
    for day in run.days:
        table = Table("start", "end", "subject", "from", "to", "minutes", "category",
                      title=Text(f"{run.user} {day.day.isoformat()}: {len(day.travel)} trip(s), "
                                 f"{day.oof_marked} marked out of office" + (" (dry run)" if run.dry_run else "")),
                      title_justify="left")
        for trip in day.travel:
            minutes = f"{trip.minutes}{' (estimated)' if trip.estimated else ''}"
            table.add_row(*map(Text, (trip.start.strftime("%H:%M"), trip.end.strftime("%H:%M"), trip.subject,
                                      trip.origin, trip.destination, minutes, trip.category or "")))
        stdout.print(table)
        for alert in day.alerts:
            stdout.print(Text(f"alert: {alert.message}"))
        for issue in day.issues:
            stdout.print(Text(f"issue: {issue}"))
    for issue in run.issues:
        stdout.print(Text(f"issue: {issue}"))
