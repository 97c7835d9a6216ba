"""`serve` (the local Functions host) and `demo` (the whole daily archive on the local stack)."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from typing import Annotated

import typer

from shared.cli.context import ready_container
from shared.cli.output import fail, stdout

DEMO_MODULE = "devtools.demo"


def serve(port: Annotated[int, typer.Option(help="Port of the local host.")] = 7071) -> None:
    """Serve the HTTP functions at http://127.0.0.1:PORT/api/..., queue triggers and timers, until interrupted."""
    import os

    from shared.runtime.host import LocalHost
    from shared.runtime.local_app import app_functions, new_engine

    ready_container()
    engine = new_engine()
    storage = os.environ.get("AzureWebJobsStorage")  # noqa: SIM112 (the Functions setting's own name)
    host = LocalHost(app_functions(), engine=engine, storage_connection_string=storage, port=port)
    try:
        base = host.start()
    except OSError as error:
        engine.shutdown()
        fail(f"cannot serve on port {port}: {error.strerror or error} (choose another with --port)")
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
    run_demo = _demo_entry_point()
    if run_demo is None:
        fail("the demo needs a checkout with devtools/ (Azurite and the Graph simulator): run `make demo` there")
    return run_demo()


def _demo_entry_point() -> Callable[[], int] | None:
    """The demo lives in devtools/, which only a checkout has: the installed package holds `shared` alone."""
    from shared.runtime.host_config import APP_ROOT

    if (APP_ROOT / "devtools").is_dir() and str(APP_ROOT) not in sys.path:
        sys.path.insert(0, str(APP_ROOT))  # the console script may run from any directory
    try:
        module = importlib.import_module(DEMO_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name in ("devtools", DEMO_MODULE):
            return None
        raise  # devtools is there but one of its own imports is not: that is a broken setup, not a missing one
    run_demo: Callable[[], int] = module.run_demo
    return run_demo
