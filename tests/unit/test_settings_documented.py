"""Every setting the code reads is in local.settings.json.example or the README, so no deployment misses one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from shared.config import Settings

ROOT = Path(__file__).resolve().parents[2]
APP_SETTING_REFERENCE = re.compile(r"[\"']%([A-Za-z_][A-Za-z0-9_]*)%[\"']")
ENVIRONMENT_READ = re.compile(r"(?:os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']")


def settings_read_by_the_code() -> set[str]:
    names = {field.alias for field in Settings.model_fields.values() if field.alias}
    for path in [ROOT / "function_app.py", *ROOT.glob("functions/*.py"), *ROOT.glob("shared/**/*.py")]:
        text = path.read_text()
        names.update(APP_SETTING_REFERENCE.findall(text))
        names.update(ENVIRONMENT_READ.findall(text))
    return names


def test_the_scan_finds_the_settings_it_should() -> None:
    found = settings_read_by_the_code()
    assert {"AzureWebJobsStorage", "GRAPH_BASE_URL", "ARCHIVE_SCHEDULE", "AUDIT_TABLE"} <= found


def test_every_setting_is_in_the_example_or_the_readme() -> None:
    example = json.loads((ROOT / "local.settings.json.example").read_text())["Values"]
    readme = (ROOT / "README.md").read_text()
    undocumented = sorted(n for n in settings_read_by_the_code() if n not in example and f"`{n}`" not in readme)
    assert not undocumented, f"settings read by the code but documented nowhere: {undocumented}"


def test_the_example_holds_no_secret() -> None:
    values = json.loads((ROOT / "local.settings.json.example").read_text())["Values"]
    for name in ("GRAPH_ACCESS_TOKEN", "GRAPH_CLIENT_SECRET"):
        assert not values.get(name), name
    assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
