"""`subscribe` and `subscriptions list|renew|delete`: Graph change-notification subscriptions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Column, Table
from rich.text import Text

from shared.cli.context import ready_container
from shared.cli.output import fail, stdout

if TYPE_CHECKING:
    from shared.services.subscriptions import SubscriptionManager

app = typer.Typer(help="Graph change-notification subscriptions on users' calendars.", no_args_is_help=True)

_NOTIFICATIONS_SUFFIX = "/graph/notifications"
_LIFECYCLE_SUFFIX = "/graph/lifecycle"


def _manager() -> SubscriptionManager:
    return ready_container().subscription_manager


def default_lifecycle_url(notification_url: str) -> str | None:
    """Our own webhook's lifecycle sibling (…/graph/notifications → …/graph/lifecycle); None for other URLs."""
    trimmed = notification_url.rstrip("/")
    if trimmed.endswith(_NOTIFICATIONS_SUFFIX):
        return trimmed[: -len(_NOTIFICATIONS_SUFFIX)] + _LIFECYCLE_SUFFIX
    return None


def _check_url(name: str, value: str) -> None:
    if not value.startswith(("https://", "http://")):
        fail(f"{name} must be an http(s) URL, got {value!r}")


def subscribe(
    user: Annotated[str, typer.Option(help="Mailbox (user principal name) whose calendar changes are wanted.")],
    notification_url: Annotated[str, typer.Option(help="Public URL of POST /api/graph/notifications.")],
    lifecycle_url: Annotated[
        str | None,
        typer.Option(help="Public URL of POST /api/graph/lifecycle (default: next to the notification URL)."),
    ] = None,
) -> None:
    """Subscribe to created/updated/deleted events of a user's calendar. Graph calls both URLs before answering."""
    from shared.graph.errors import GraphError
    from shared.services.subscriptions import SubscriptionSetupError

    _check_url("--notification-url", notification_url)
    if lifecycle_url is not None:
        _check_url("--lifecycle-url", lifecycle_url)
    manager = _manager()
    try:
        record = manager.subscribe(
            user, notification_url=notification_url,
            lifecycle_url=lifecycle_url or default_lifecycle_url(notification_url),
        )
    except (GraphError, SubscriptionSetupError) as exc:
        fail(f"could not subscribe {user}: {exc}")
    stdout.print(Text(f"subscription {record.id} for {record.user} until {record.expiration.isoformat()}"))


@app.command("list")
def list_subscriptions(
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List the subscriptions this app made (their client states are never shown)."""
    records = sorted(_manager().records(), key=lambda r: (r.user.lower(), r.expiration))
    if json_output:
        rows = [r.model_dump(mode="json", exclude={"client_state", "etag"}) for r in records]
        typer.echo(json.dumps(rows, indent=2))
        return
    # Ids are what `renew` and `delete` take: fold them rather than cut them in a narrow terminal.
    table = Table(Column("id", overflow="fold"), Column("user", overflow="fold"), "job", "expires",
                  Column("notification URL", overflow="fold"))
    for r in records:
        cells = (r.id, r.user, r.job_id or "-", f"{r.expiration:%Y-%m-%d %H:%M}Z", r.notification_url)
        table.add_row(*map(Text, cells))
    stdout.print(table)


@app.command("renew")
def renew(
    subscription_id: Annotated[
        str | None, typer.Argument(help="Renew this one now; without it, run the hourly upkeep for all.")
    ] = None,
) -> None:
    """Renew one subscription, or renew/recreate/delete all as the hourly timer does."""
    from shared.graph.errors import GraphError

    manager = _manager()
    if subscription_id is None:
        report = manager.reconcile()
        for name, items in report.model_dump().items():
            stdout.print(Text(f"{name}: {len(items)}" + (f" ({', '.join(items)})" if items else "")))
        if report.failed:
            raise typer.Exit(1)
        return
    record = manager.record(subscription_id)
    if record is None:
        fail(f"no subscription '{subscription_id}'")
    try:
        renewed = manager.renew(record)
    except GraphError as exc:
        fail(f"could not renew {subscription_id}: {exc}", code=1)
    if renewed.id != record.id:
        stdout.print(Text(f"subscription {record.id} was gone; replaced by {renewed.id}"))
    stdout.print(Text(f"subscription {renewed.id} renewed until {renewed.expiration.isoformat()}"))


@app.command("delete")
def delete(subscription_id: Annotated[str, typer.Argument(help="Id of the subscription to delete.")]) -> None:
    """Delete a subscription in Graph and forget it."""
    from shared.graph.errors import GraphError

    manager = _manager()
    record = manager.record(subscription_id)
    if record is None:
        fail(f"no subscription '{subscription_id}'")
    try:
        existed = manager.delete(record, "deleted from the command line")
    except GraphError as exc:
        fail(f"could not delete {subscription_id}: {exc}", code=1)
    stdout.print(Text(f"subscription {subscription_id} deleted" + ("" if existed else " (Graph no longer had it)")))
