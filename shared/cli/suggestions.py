"""`suggest` (category suggestions for some days' appointments) and `rules` (the user's suggestion rules)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from shared.cli.context import ready_container
from shared.cli.output import stdout

BY = "cli"
rules_app = typer.Typer(help="A user's suggestion rules: conditions that name an appointment's category.",
                        no_args_is_help=True)


def suggest(
    user: Annotated[str, typer.Option(help="Mailbox (user principal name) whose appointments to look at.")],
    date: Annotated[str, typer.Option(help="yesterday (default), today, YYYY-MM-DD, 'A to B', last week, ...")] = (
        "yesterday"),
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")] = False,
) -> int:
    """Suggest categories for the uncategorised appointments of some days of the source calendar (in the job's time
    zone, else UTC). Nothing in the calendar changes: accept or reject through the API."""
    run = ready_container().suggestion_days.suggest(user, date)
    if json_output:
        stdout.file.write(json.dumps(run.public_json()) + "\n")
        return 0
    table = Table("subject", "category", "source", "confidence", "reason", title=Text(
        f"{run.user}: {len(run.suggestions)} suggestion(s) for {run.considered} appointment(s), model {run.model}"),
        title_justify="left")
    for s in run.suggestions:
        table.add_row(*map(Text, (s.subject, s.category, s.source, f"{s.confidence:.2f}", s.reason)))
    stdout.print(table)
    for issue in run.issues:
        stdout.print(Text(f"issue: {issue}"))
    return 0


@rules_app.command("list")
def rules_list(
    user: Annotated[str, typer.Option(help="Mailbox whose rules to list.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List the user's rules in the order they apply."""
    from shared.domain.mailbox import checked_mailbox

    rules = ready_container().rule_admin.list(checked_mailbox(user))
    if json_output:
        typer.echo(json.dumps([rule.model_dump(mode="json") for rule in rules], indent=2))
        return
    table = Table("id", "position", "category", "conditions", "enabled")
    for rule in rules:
        conditions = rule.conditions.model_dump(exclude_defaults=True)
        table.add_row(*map(Text, (rule.id, str(rule.position), rule.category, json.dumps(conditions),
                                  "yes" if rule.enabled else "no")))
    stdout.print(table)


@rules_app.command("add")
def rules_add(
    user: Annotated[str, typer.Option(help="Mailbox whose rule this is.")],
    category: Annotated[str, typer.Option(help="One of the user's known categories, or 'personal'.")],
    subject_word: Annotated[list[str] | None, typer.Option(help="A word the subject must contain (repeatable).")
                            ] = None,
    location_word: Annotated[list[str] | None, typer.Option(help="A word the location must contain (repeatable).")
                             ] = None,
    attendee_domain: Annotated[list[str] | None, typer.Option(help="An attendee e-mail domain (repeatable).")
                               ] = None,
    organizer_domain: Annotated[list[str] | None, typer.Option(help="The organizer's e-mail domain (repeatable).")
                                ] = None,
    min_minutes: Annotated[int | None, typer.Option(help="Shortest duration in minutes.")] = None,
    max_minutes: Annotated[int | None, typer.Option(help="Longest duration in minutes.")] = None,
) -> None:
    """Add a rule after the user's others; every condition given must hold."""
    from shared.domain.mailbox import checked_mailbox

    conditions: dict[str, Any] = {
        "subject_words": subject_word or [], "location_words": location_word or [],
        "attendee_domains": attendee_domain or [], "organizer_domains": organizer_domain or [],
        "min_minutes": min_minutes, "max_minutes": max_minutes,
    }
    rule = ready_container().rule_admin.create(checked_mailbox(user), {"category": category,
                                                                       "conditions": conditions}, BY)
    stdout.print(Text(f"rule {rule.id}: {rule.category} (position {rule.position})"))


@rules_app.command("remove")
def rules_remove(
    user: Annotated[str, typer.Option(help="Mailbox whose rule this is.")],
    rule_id: Annotated[str, typer.Option("--id", help="The rule's id (see `rules list`).")],
) -> None:
    """Remove one of the user's rules."""
    from shared.domain.mailbox import checked_mailbox

    ready_container().rule_admin.delete(checked_mailbox(user), rule_id, BY)
    stdout.print(Text(f"rule {rule_id} removed"))
