"""`python -m shared ...` / `admin-assistant ...`: the command line."""

from __future__ import annotations

import sys

import click
import typer

from shared.cli import archive, jobs, serve, subscriptions

app = typer.Typer(
    name="admin-assistant",
    help="Outlook calendar administration: archive, conflicts, categories, privacy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("archive")(archive.archive)
app.add_typer(jobs.app, name="jobs")
app.command("subscribe")(subscriptions.subscribe)
app.add_typer(subscriptions.app, name="subscriptions")
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)


def main(argv: list[str] | None = None) -> None:
    try:
        result = app(args=argv, standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError:
        raise SystemExit(0) from None
    except click.UsageError as exc:
        # Usage errors are bad input: one line naming what is wrong, exit 2.
        print(f"error: {exc.format_message()}", file=sys.stderr)
        raise SystemExit(2) from None
    except click.exceptions.Abort:
        print("error: aborted", file=sys.stderr)
        raise SystemExit(130) from None
    raise SystemExit(result if isinstance(result, int) else 0)
