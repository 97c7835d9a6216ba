"""`serve` (the local Functions host) and `demo` (the whole daily archive on the local stack)."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from shared.cli.output import stdout


def serve(port: Annotated[int, typer.Option(help="Port of the local host.")] = 7071) -> None:
    """Serve the HTTP functions at http://127.0.0.1:PORT/api/..., queue triggers and timers, until interrupted."""
    import os

    from shared.runtime.host import LocalHost
    from shared.runtime.local_app import app_functions, load_local_settings, new_engine

    load_local_settings()
    engine = new_engine()
    storage = os.environ.get("AzureWebJobsStorage")  # noqa: SIM112 (the Functions setting's own name)
    host = LocalHost(app_functions(), engine=engine, storage_connection_string=storage, port=port)
    base = host.start()
    stdout.print(f"Functions served at {base}/api (Ctrl-C to stop)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        host.stop()
        engine.shutdown()


def demo() -> int:
    """Start Azurite and the Graph simulator with a sample week, archive it twice, show that nothing duplicates."""
    from devtools.demo import run_demo

    return run_demo()
