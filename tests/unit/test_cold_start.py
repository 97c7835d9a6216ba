"""Importing the app builds no clients: a Functions worker pays for them only when a function needs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Libraries that mean a client (or a CLI, or a PDF renderer) was built at import time.
HEAVY = ("msal", "azure.identity", "azure.data.tables", "azure.storage.queue", "azure.storage.blob",
         "azure.keyvault.secrets", "requests", "openai", "fpdf", "typer", "rich")


def test_importing_function_app_loads_no_client_library() -> None:
    probe = f"import json, sys, function_app; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)

    assert json.loads(loaded.stdout) == []
