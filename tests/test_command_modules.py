"""The command modules (cli/*_command.py, cli/*_commands.py) stand side by side: none imports another.

What two commands share lives below them (the core, a screen in cli/render/, or a
shared cli module such as cli/arguments.py), so a command module can be read,
loaded and changed on its own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

CLI = Path(__file__).resolve().parents[1] / "src" / "keepgoing" / "cli"
COMMAND_MODULE = re.compile(r"^[a-z_]+_commands?$")


def _command_modules() -> list[Path]:
    return sorted(path for path in CLI.glob("*.py") if COMMAND_MODULE.match(path.stem))


def imported_command_modules(source: str) -> set[str]:
    """The command modules `source` imports, at the top or inside a function, however written."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x_commands, from .x_commands import y
                base = "keepgoing.cli" + (f".{node.module}" if node.module else "")
            else:
                base = node.module or ""
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == ["keepgoing", "cli"] and len(parts) > 2 and COMMAND_MODULE.match(parts[2]):
                found.add(parts[2])
    return found


def test_the_check_sees_every_way_of_importing_a_command_module() -> None:
    source = """
import keepgoing.cli.log_command
from keepgoing.cli.people_commands import show
from keepgoing.cli import team_commands, options
from .merge_command import merge
def inside():
    from keepgoing.cli.coproduction_commands import group_show
"""
    assert imported_command_modules(source) == {
        "log_command",
        "people_commands",
        "team_commands",
        "merge_command",
        "coproduction_commands",
    }
    assert imported_command_modules("from keepgoing.cli.options import emit\nimport keepgoing.cli") == set()


def test_no_command_module_imports_another() -> None:
    modules = _command_modules()
    assert len(modules) > 10, modules  # the glob found them
    crossing = {
        path.name: sorted(imported_command_modules(path.read_text(encoding="utf-8")) - {path.stem})
        for path in modules
    }
    assert {name: others for name, others in crossing.items() if others} == {}
