"""Small helpers shared by the commands: errors as one line on stderr, a stderr console."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console

stderr = Console(stderr=True)
# Lines a script may read are never wrapped at the width rich assumes when stdout is not a terminal (80), and
# tables piped to a file or a pager keep their columns: they take the room they need, up to 200 characters.
stdout = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
