"""The import cycles issue 25 found stay gone: checked in the source, imports inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "keepgoing"


def imported(module: str) -> set[str]:
    """Every keepgoing module a source file imports, at the top or inside a function."""
    tree = ast.parse((SOURCE / module).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("keepgoing"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("keepgoing"))
    return found


@pytest.mark.parametrize(
    ("module", "below"),
    [
        ("settings.py", "keepgoing.storage"),  # settings reads locations, never the store
        ("locations.py", "keepgoing.storage"),
        ("locations.py", "keepgoing.settings"),
        ("dates.py", "keepgoing.settings"),  # dates is given dayfirst
    ],
)
def test_a_lower_module_imports_nothing_above_it(module: str, below: str) -> None:
    assert not {name for name in imported(module) if name == below or name.startswith(below + ".")}


@pytest.mark.parametrize("layer", ["core", "storage"])
def test_core_and_storage_import_no_settings_cli_or_exchange(layer: str) -> None:
    above = ("keepgoing.cli", "keepgoing.exchange", "keepgoing.settings")
    for path in (SOURCE / layer).glob("*.py"):
        names = imported(f"{layer}/{path.name}")
        assert not {n for n in names if n == "keepgoing.settings" or n.startswith(above)}, path.name


def test_damaged_dates_are_not_kept_in_a_module_global() -> None:
    tree = ast.parse((SOURCE / "storage" / "date_encoding.py").read_text(encoding="utf-8"))
    lists = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and isinstance(node.value, ast.List)
    ]
    assert lists == []
