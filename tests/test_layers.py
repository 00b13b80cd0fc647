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


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Which keepgoing modules each one imports (a package counts when a name is taken from it)."""
    files = {module_name(path): path for path in SOURCE.rglob("*.py")}
    return {
        name: {other for other in imported(str(path.relative_to(SOURCE))) if other in files and other != name}
        for name, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import one another, round and round (Tarjan's strongly
    connected components, more than one module each)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in order:
                visit(other)
                lowest[module] = min(lowest[module], lowest[other])
            elif other in stack:
                lowest[module] = min(lowest[module], order[other])
        if lowest[module] == order[module]:
            group = set()
            while not group or module not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.append(group)

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return found


# Cycles still there, each with why. Everything else must stay acyclic (none is left).
KNOWN_CYCLES: set[frozenset[str]] = set()


def test_no_module_imports_one_that_imports_it_back() -> None:
    found = {frozenset(group) for group in cycles(import_graph())}
    assert [sorted(group) for group in found - KNOWN_CYCLES] == []
    assert [sorted(group) for group in KNOWN_CYCLES - found] == [], "gone: take it off KNOWN_CYCLES"


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_only_the_storage_layer_asks_which_database_it_is() -> None:
    """Where SQLite and PostgreSQL differ, the store says what to do (`indexed_search`,
    `lock_for_update`, `folds_accents()`); nothing above storage/ branches on `.dialect`."""
    asking = []
    for path in SOURCE.rglob("*.py"):
        if path.relative_to(SOURCE).parts[0] == "storage":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        asking += [
            f"{path.relative_to(SOURCE)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "dialect"
        ]
    assert asking == []
