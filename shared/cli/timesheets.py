"""`timesheet` (build a period's timesheets per customer) and `customers` (their billing settings)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from shared.cli.context import ready_container
from shared.cli.output import stderr, stdout

BY = "cli"
customers_app = typer.Typer(help="Per-customer billing settings: rounding and travel rate.", no_args_is_help=True)


def timesheet(
    user: Annotated[str, typer.Option(help="Mailbox (user principal name) whose archive is billed.")],
    customer: Annotated[str | None, typer.Option(help="Only this customer (default: every customer).")] = None,
    date: Annotated[str, typer.Option(help="last month (default), 'A to B', YYYY-MM-DD, last week, ...")] = (
        "last month"),
    archive: Annotated[str | None, typer.Option(help="Archive calendar (default: the job's, else Archive).")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone of the dates (default: the job's, else UTC).")
                        ] = None,
    file_format: Annotated[Literal["csv", "pdf", "both"], typer.Option("--format", help="Files to write.")] = "both",
    out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path("timesheets"),
    upload: Annotated[bool, typer.Option(help="Also upload the files to the user's OneDrive.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> int:
    """Build the timesheets of a period from the archive calendar, one per customer, as CSV and PDF files."""
    from shared.services.timesheet_ports import run_document
    from shared.services.timesheet_schedule import TimesheetRequest

    deps = ready_container()
    asked = TimesheetRequest.of(deps.jobs, user, date, timezone, deps.clock())
    service = deps.timesheets(archive)
    run = service.build(user, asked.start, asked.end, timezone=asked.timezone, customer=customer, upload=upload)
    kinds = ("csv", "pdf") if file_format == "both" else (file_format,)
    written = {sheet.id: _write(service.file, sheet.id, kinds, out) for sheet in run.timesheets}
    summary = run_document(run, lambda sheet: written[sheet.id])
    if json_output:
        stdout.file.write(json.dumps(summary) + "\n")
    else:
        _print(summary, run.message)
    return 1 if any(sheet["upload_errors"] for sheet in summary["timesheets"]) else 0


def _write(read: Any, timesheet_id: str, kinds: tuple[str, ...], out: Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind in kinds:
        name, data = read(None, timesheet_id, kind)
        path = out / name
        path.write_bytes(data)
        paths[kind] = str(path)
    return paths


def _print(summary: dict[str, Any], message: str) -> None:
    if not summary["timesheets"]:
        stdout.print(Text(message))
        return
    table = Table("customer", "entries", "effort h", "billable h", "travel h", "review", "files",
                  title=Text(f"{summary['user']}: {summary['from']} to {summary['to']}"), title_justify="left")
    for sheet in summary["timesheets"]:
        table.add_row(*map(Text, (sheet["customer"], str(sheet["entries"]), f"{sheet['effort_hours']:g}",
                                  f"{sheet['billable_hours']:g}", f"{sheet['travel_hours']:g}",
                                  str(len(sheet["needs_review"])), "\n".join(sheet["files"].values()))))
    stdout.print(table)
    for sheet in summary["timesheets"]:
        for kind, error in sheet["upload_errors"].items():
            stderr.print(Text(f"upload failed: {sheet['customer']} {kind}: {error}"))


@customers_app.command("set")
def customers_set(
    user: Annotated[str, typer.Option(help="Mailbox whose customer this is.")],
    customer: Annotated[str, typer.Option(help="Customer name, as in its categories.")],
    increment: Annotated[int | None, typer.Option(help="Rounding increment in minutes: 6, 15, 30 or 60.")] = None,
    rounding: Annotated[str | None, typer.Option(help="nearest, up or down.")] = None,
    travel_rate: Annotated[float | None, typer.Option(help="Share of travel billed, 0 to 1.")] = None,
) -> None:
    """Set a customer's rounding and travel rate (what is left out keeps its value)."""
    from pydantic import ValidationError

    from shared.domain.errors import InvalidInput
    from shared.services.customer_admin import CustomerSettingsChange

    try:
        change = CustomerSettingsChange.model_validate(
            {"increment": increment, "rounding": rounding, "travel_rate": travel_rate})
    except ValidationError as error:
        raise InvalidInput.from_validation(error, "customer") from None
    view = ready_container().customer_admin.set(user, customer, change, BY)
    stdout.print(Text(f"{view.customer}: {view.increment} min, {view.rounding}, travel at {view.travel_rate:g}"))


@customers_app.command("list")
def customers_list(
    user: Annotated[str, typer.Option(help="Mailbox whose customers to list.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List the customers with their own billing settings (the others use 30 min, nearest, travel at 0.5)."""
    views = ready_container().customer_admin.list(user)
    if json_output:
        typer.echo(json.dumps([view.model_dump(mode="json") for view in views], indent=2))
        return
    table = Table("customer", "increment", "rounding", "travel rate")
    for view in views:
        table.add_row(*map(Text, (view.customer, str(view.increment), view.rounding, f"{view.travel_rate:g}")))
    stdout.print(table)
