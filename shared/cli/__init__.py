"""`python -m shared ...` / `admin-assistant ...`: the command line."""

from __future__ import annotations

import logging
import sys

import typer

# typer 0.29 parses with a click of its own; the separately installed click's exceptions are other classes.
from typer._click.exceptions import ClickException

from shared.cli import archive, jobs, serve, subscriptions, suggestions, timesheets, travel
from shared.cli.errors import exit_code_for

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
app.command("timesheet")(timesheets.timesheet)
app.add_typer(timesheets.customers_app, name="customers")
app.command("suggest")(suggestions.suggest)
app.add_typer(suggestions.rules_app, name="rules")
app.add_typer(travel.places_app, name="places")
app.command("travel")(travel.travel)
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    try:
        result = app(args=argv, standalone_mode=False)
    except ClickException as exc:
        # Usage errors (and a bare command, which shows its help) are bad input: the usage hint and one line, exit 2.
        exc.show(file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        print("error: aborted", file=sys.stderr)
        raise SystemExit(130) from None
    except Exception as exc:
        known = exit_code_for(exc)
        if known is None:
            raise
        code, message = known
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(code) from None
    raise SystemExit(result if isinstance(result, int) else 0)
