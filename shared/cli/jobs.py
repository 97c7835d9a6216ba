"""`jobs`: the archive jobs the hourly timer runs."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Column, Table

from shared.cli.output import fail, stdout

app = typer.Typer(help="Archive jobs: which mailboxes are archived daily, and how.", no_args_is_help=True)


def _jobs():  # type: ignore[no-untyped-def]
    from shared.bootstrap import container
    from shared.runtime.local_app import load_local_settings

    load_local_settings()
    return container().jobs


@app.command("add")
def add(
    user: Annotated[str, typer.Option(help="Mailbox to archive.")],
    source: Annotated[str | None, typer.Option(help="Source calendar (default: primary).")] = None,
    archive: Annotated[str, typer.Option(help="Archive calendar.")] = "Archive",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the user's day.")] = "UTC",
    strict: Annotated[bool, typer.Option(help="Hold back unresolved overlaps.")] = False,
    run_hour: Annotated[int, typer.Option(help="Local hour after which yesterday is archived.")] = 1,
    job_id: Annotated[str | None, typer.Option("--id", help="Job id (default: derived from the user).")] = None,
) -> None:
    """Add (or replace) an archive job."""
    from shared.storage.models import ArchiveJob

    try:
        job = ArchiveJob(
            id=job_id or "", user=user, source_calendar=source, archive_calendar=archive, timezone=timezone,
            strict=strict, run_hour=run_hour,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        fail(f"{'.'.join(str(p) for p in err['loc']) or 'job'}: {err['msg']}")
    jobs = _jobs()
    existing = jobs.get(job.id)
    if job_id is None and existing is not None and existing.user.casefold() != job.user.casefold():
        # Derived ids fold punctuation (a.b@x and a-b@x both give a-b-x): never replace another mailbox's job.
        fail(f"job id '{job.id}' already belongs to {existing.user}; give this job its own --id")
    saved = jobs.save(job)
    stdout.print(f"job {saved.id} saved for {saved.user}")


@app.command("list")
def list_jobs(
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List archive jobs."""
    jobs = _jobs().list()
    if json_output:
        typer.echo(json.dumps([job.model_dump(mode="json") for job in jobs], indent=2))
        return
    # Folded, not cut: ids, mailboxes and calendar names are what the other commands take.
    table = Table(*(Column(name, overflow="fold") for name in ("id", "user", "source", "archive", "time zone")),
                  "strict", "run hour", "enabled")
    for job in jobs:
        table.add_row(
            job.id, job.user, job.source_calendar or "(primary)", job.archive_calendar, job.timezone,
            "yes" if job.strict else "no", str(job.run_hour), "yes" if job.enabled else "no",
        )
    stdout.print(table)


def _set_enabled(job_id: str, enabled: bool) -> None:
    jobs = _jobs()
    job = jobs.get(job_id)
    if job is None:
        fail(f"no archive job '{job_id}'")
    jobs.save(job.model_copy(update={"enabled": enabled}))
    stdout.print(f"job {job_id} {'enabled' if enabled else 'disabled'}")


@app.command("enable")
def enable(job_id: str) -> None:
    """Enable a job."""
    _set_enabled(job_id, True)


@app.command("disable")
def disable(job_id: str) -> None:
    """Disable a job."""
    _set_enabled(job_id, False)


@app.command("remove")
def remove(job_id: str) -> None:
    """Remove a job."""
    if not _jobs().delete(job_id):
        fail(f"no archive job '{job_id}'")
    stdout.print(f"job {job_id} removed")
