"""The product package (`shared`) never imports devtools: only a checkout has them, the installed package does not."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from shared.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _imported_modules(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_no_module_of_shared_imports_devtools() -> None:
    sources = sorted(SHARED.rglob("*.py"))
    assert len(sources) > 50, "the scan must see the package"

    offenders = [f"{source.relative_to(SHARED.parent)}: {name}" for source in sources
                 for name in _imported_modules(source) if name == "devtools" or name.startswith("devtools.")]

    assert offenders == []


def test_demo_without_devtools_says_so_in_one_line_and_exits_2(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # A None entry makes every import of the package fail as if devtools/ were not there.
    for name in [n for n in sys.modules if n == "devtools" or n.startswith("devtools.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "devtools", None)

    with pytest.raises(SystemExit) as exit_:
        main(["demo"])

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: the demo needs a checkout with devtools/"), err
