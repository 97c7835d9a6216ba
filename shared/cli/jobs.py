"""`jobs`: the archive jobs the hourly timer runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Column, Table
from rich.text import Text

from shared.cli.context import ready_container
from shared.cli.output import stdout

if TYPE_CHECKING:
    from shared.services.job_admin import JobAdmin

app = typer.Typer(help="Archive jobs: which mailboxes are archived daily, and how.", no_args_is_help=True)

BY = "cli"


def _admin() -> JobAdmin:
    return ready_container().job_admin


@app.command("add")
def add(
    user: Annotated[str, typer.Option(help="Mailbox to archive.")],
    source: Annotated[str | None, typer.Option(help="Source calendar (default: primary).")] = None,
    archive: Annotated[str, typer.Option(help="Archive calendar.")] = "Archive",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the user's day.")] = "UTC",
    strict: Annotated[bool, typer.Option(help="Hold back unresolved overlaps.")] = False,
    run_hour: Annotated[int, typer.Option(help="Local hour after which yesterday is archived.")] = 1,
    job_id: Annotated[str | None, typer.Option("--id", help="Job id (default: derived from the user).")] = None,
    travel: Annotated[bool, typer.Option("--travel/--no-travel", help="Plan travel appointments daily and on "
                                                                      "changes.")] = False,
) -> None:
    """Add (or replace) an archive job: checked like `PUT /api/jobs/{id}`, and audited."""
    from pydantic import ValidationError

    from shared.domain.errors import InvalidInput
    from shared.domain.jobs import JobSettings

    try:
        settings = JobSettings(user=user, source_calendar=source, archive_calendar=archive, timezone=timezone,
                               strict=strict, run_hour=run_hour, travel=travel)
    except ValidationError as exc:
        raise InvalidInput.from_validation(exc, "job") from None
    saved, _ = _admin().add(settings, BY, job_id)
    stdout.print(Text(f"job {saved.id} saved for {saved.user}"))


@app.command("list")
def list_jobs(
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List archive jobs."""
    jobs = _admin().list()
    if json_output:
        typer.echo(json.dumps([job.model_dump(mode="json") for job in jobs], indent=2))
        return
    # Folded, not cut: ids, mailboxes and calendar names are what the other commands take.
    table = Table(*(Column(name, overflow="fold") for name in ("id", "user", "source", "archive", "time zone")),
                  "strict", "run hour", "enabled")
    for job in jobs:
        # Text, not markup: a calendar may well be called `Arch [/x]`.
        table.add_row(*map(Text, (
            job.id, job.user, job.source_calendar or "(primary)", job.archive_calendar, job.timezone,
            "yes" if job.strict else "no", str(job.run_hour), "yes" if job.enabled else "no",
        )))
    stdout.print(table)


@app.command("enable")
def enable(job_id: str) -> None:
    """Enable a job."""
    _admin().set_enabled(job_id, True, BY)
    stdout.print(Text(f"job {job_id} enabled"))


@app.command("disable")
def disable(job_id: str) -> None:
    """Disable a job."""
    _admin().set_enabled(job_id, False, BY)
    stdout.print(Text(f"job {job_id} disabled"))


@app.command("remove")
def remove(job_id: str) -> None:
    """Remove a job."""
    _admin().delete(job_id, BY)
    stdout.print(Text(f"job {job_id} removed"))
