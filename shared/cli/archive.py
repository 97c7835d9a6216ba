"""`archive`: run the daily archive orchestration in-process for one mailbox or every enabled job."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from shared.cli.context import ready_container
from shared.cli.output import fail, stderr, stdout
from shared.services.archive.contracts import ArchiveRequest
from shared.services.archive.starts import ArchiveStart

COUNTS = ("fetched", "archived", "already_archived", "conflicts", "failed")


def archive(
    user: Annotated[str | None, typer.Option(help="Mailbox (user principal name) to archive.")] = None,
    all_jobs: Annotated[bool, typer.Option("--all", help="Archive every enabled archive job.")] = False,
    date: Annotated[str, typer.Option(help="yesterday, today, YYYY-MM-DD, 'A to B', 'last week', ...")] = "yesterday",
    source: Annotated[str | None, typer.Option(help="Source calendar: name, id or msgraph:// URI.")] = None,
    archive_calendar: Annotated[str, typer.Option("--archive", help="Archive calendar (created when missing).")] = (
        "Archive"
    ),
    timezone: Annotated[str, typer.Option(help="IANA time zone of the user's day.")] = "UTC",
    strict: Annotated[bool, typer.Option(help="Hold back unresolved overlaps and drop what resolution drops.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> int:
    """Archive a day (or range) of appointments into the archive calendar."""
    if bool(user) == all_jobs:
        fail("give either --user or --all")
    deps = ready_container()
    starts = deps.archive_starts
    skipped: list[str] = []
    if all_jobs:
        runs, broken = starts.for_jobs(deps.jobs.list(enabled_only=True), date)
        skipped = [job.describe() for job in broken]
        for line in skipped:
            stderr.print(f"skipped {line}", markup=False, highlight=False)
        if not runs and not broken:
            fail("no enabled archive jobs: add one with `jobs add`")
    else:
        assert user is not None
        runs = [starts.for_user(user, date, source=source, archive=archive_calendar, timezone=timezone,
                                strict=strict)]
        _check_calendars(runs[0].request)
    statuses = _run(runs, show_progress=not json_output) if runs else []
    return _report(statuses, json_output, skipped)


def _check_calendars(request: ArchiveRequest) -> None:
    """An unknown mailbox or calendar is bad input: say so at once (exit 2) instead of failing the orchestration."""
    from shared.graph.errors import GraphError, GraphNotFoundError
    from shared.services.archive.activities import resolve_calendars

    try:
        resolve_calendars(request.model_dump(mode="json"))
    except (GraphNotFoundError, ValueError) as exc:
        fail(str(exc))
    except GraphError as exc:
        fail(str(exc), code=1)


def _run(runs: list[ArchiveStart], *, show_progress: bool) -> list[Any]:
    from shared.runtime.local_app import new_engine
    from shared.services.archive.contracts import ARCHIVE_ORCHESTRATOR

    engine = new_engine()
    total_days = sum(len(run.request.days()) for run in runs)
    users = {run.instance_id: run.request.user for run in runs}
    done: dict[str, int] = {}
    with Progress(
        TextColumn("{task.description}", markup=False), BarColumn(), TextColumn("{task.completed}/{task.total} days"),
        console=stderr, disable=not show_progress, transient=True,
    ) as progress:
        bar = progress.add_task("archiving", total=total_days)

        def on_change(status: Any) -> None:
            custom = status.custom_status if isinstance(status.custom_status, dict) else {}
            if status.instance_id not in done or not custom:
                return  # a day's sub-orchestration: its parent reports for it
            done[status.instance_id] = int(custom.get("days_done", done[status.instance_id]))
            description = _describe(custom)
            if len(users) > 1:
                description = f"{users[status.instance_id]}: {description}"
            # Redrawn at once: a stage can be over before the next timed refresh.
            progress.update(bar, completed=sum(done.values()), description=description, refresh=True)

        engine.subscribe(on_change)
        try:
            for run in runs:
                done[run.instance_id] = 0
                payload = run.request.model_dump(mode="json")
                engine.start_new(ARCHIVE_ORCHESTRATOR, instance_id=run.instance_id, client_input=payload)
            return [engine.wait_for_completion(run.instance_id, timeout=3600) for run in runs]
        finally:
            engine.shutdown()


def _describe(custom: dict[str, Any]) -> str:
    """`2026-11-24 writing (0/3 batches)`: the stage of the run and how far it has got."""
    stage = str(custom.get("stage", "archiving"))
    text = f"{custom['day']} {stage}" if custom.get("day") else stage
    if "batches_total" in custom:
        text += f" ({custom.get('batches_done', 0)}/{custom['batches_total']} batches)"
    elif "events" in custom:
        text += f" ({custom['events']} events)"
    return text


def _report(statuses: list[Any], json_output: bool, skipped: list[str]) -> int:
    outputs = [s.output for s in statuses if s.runtime_status == "Completed" and isinstance(s.output, dict)]
    errors = [f"{s.instance_id}: {_first_line(s.output)}" for s in statuses if s.runtime_status != "Completed"]
    totals = {key: sum(int(o[key]) for o in outputs) for key in COUNTS}
    failed = bool(errors or skipped)
    if json_output:
        summary: dict[str, Any] = {
            **totals,
            "instance_id": ",".join(s.instance_id for s in statuses),
            "status": "failed" if failed else ("partial" if totals["failed"] else "success"),
            "days": [day for o in outputs for day in o["days"]],
            "issues": [*skipped, *(issue for o in outputs for issue in o["issues"])],
            "errors": errors,
        }
        stdout.file.write(json.dumps(summary) + "\n")
    else:
        print_summary(outputs)
        for error in errors:
            stderr.print(f"[red]archive failed[/red] {escape(error)}")
    return 1 if failed or totals["failed"] else 0


SUMMARY_COLUMNS = ("fetched", "archived", "already_archived", "failed", "cancelled", "markers_folded",
                   "orphan_markers", "held_back", "dropped", "privacy_updated", "conflicts")
HEADINGS = ("fetched", "archived", "already", "failed", "cancelled", "markers", "orphans", "held", "dropped",
            "private", "conflicts")


def print_summary(outputs: list[dict[str, Any]]) -> None:
    # Subjects, calendar names and errors are text from a calendar, never rich markup: `[/red]` is a subject too.
    for output in outputs:
        table = Table(title=escape(f"{output['user']} ({output['instance_id']})"), title_justify="left")
        table.add_column("day")
        for heading in HEADINGS:
            table.add_column(heading, justify="right")
        for day in output["days"]:
            table.add_row(day["day"], *(str(day.get(column, 0)) for column in SUMMARY_COLUMNS))
        totals = [str(sum(day.get(column, 0) for day in output["days"])) for column in SUMMARY_COLUMNS]
        table.add_row("total", *totals, style="bold")
        stdout.print(table)
        for day in output["days"]:
            for group, conflict_id in zip(day["conflict_subjects"], day.get("conflict_ids", []), strict=False):
                stdout.print(f"[magenta]conflict[/magenta] {day['day']}: {escape(' / '.join(group))} "
                             f"(id {conflict_id})")
            for failure in day["failures"]:
                stdout.print(f"[red]failed[/red] {day['day']} {escape(failure['subject'])}: {escape(failure['error'])}")
        for issue in output["issues"]:
            stdout.print(f"[yellow]issue[/yellow] {escape(issue)}")


def _first_line(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return (text or "failed").strip().splitlines()[0] if text else "failed"
