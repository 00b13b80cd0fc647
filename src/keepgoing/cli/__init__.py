"""The command line: parse, call the core, render. Nothing more.

Each command module registers its commands on `app` when imported. A run of
`keepgoing log ...` imports and builds only the module that defines `log`
(Typer would otherwise build all ~30 commands' parameters on every start);
`--help`, an unknown command, or `from keepgoing.cli import app` load them
all, in the order they appear in `--help`. A test keeps `COMMANDS` in step
with what the modules register.

The command modules do not use `from __future__ import annotations`: with
postponed annotations Typer has to eval every parameter's annotation string
when it builds the commands, which cost ~30 ms on every run.
"""

import importlib
import os
import sys
from typing import Any

__all__ = ["app", "main"]

# In --help order.
MODULES = (
    "log_command",
    "due_command",
    "followup_commands",
    "correction_commands",
    "people_commands",
    "merge_command",
    "monitoring_commands",
    "coproduction_commands",
    "exchange_commands",
    "insight_commands",
    "report_command",
    "measure_commands",
    "team_commands",
    "safety_commands",
    "privacy_commands",
    "settings_commands",
)
COMMANDS = {
    "log": "log_command",
    "due": "due_command",
    **dict.fromkeys(("followups", "done"), "followup_commands"),
    **dict.fromkeys(("amend", "unlog", "followup"), "correction_commands"),
    **dict.fromkeys(("add", "people", "show", "edit", "pause", "resume", "archive"), "people_commands"),
    "merge": "merge_command",
    "monitor": "monitoring_commands",
    **dict.fromkeys(
        ("note", "ideas", "idea", "win", "wins", "spread", "snooze", "jot", "group"), "coproduction_commands"
    ),
    **dict.fromkeys(("export", "import"), "exchange_commands"),
    **dict.fromkeys(("stats", "search"), "insight_commands"),
    "report": "report_command",
    "measure": "measure_commands",
    **dict.fromkeys(("handover", "copy", "team", "audit", "upgrade"), "team_commands"),
    **dict.fromkeys(("forget", "backup", "restore", "check", "retention"), "safety_commands"),
    **dict.fromkeys(("encrypt", "decrypt", "rekey"), "privacy_commands"),
    "config": "settings_commands",
}
# Options of `keepgoing` itself that take a value (so the value is not a command name).
GLOBAL_WITH_VALUE = ("--db",)


def load(modules: tuple[str, ...] = MODULES) -> Any:
    for name in modules:
        importlib.import_module(f"keepgoing.cli.{name}")
    from keepgoing.cli.program import app as typer_app

    return typer_app


def command_in(argv: list[str]) -> str | None:
    """The command named on this command line, if it comes before any --help or --version."""
    args = iter(argv)
    for arg in args:
        if arg in GLOBAL_WITH_VALUE:
            next(args, None)
        elif arg in ("--help", "--version"):
            return None
        elif not arg.startswith("-"):
            return arg
    return None


def __getattr__(name: str) -> Any:
    if name == "app":
        return load()
    raise AttributeError(name)


def _completing() -> list[str] | None:
    """The words typed so far when the shell asks for completions (Typer's protocol), else None."""
    if "_KEEPGOING_COMPLETE" not in os.environ:
        return None
    import shlex  # only when completing

    words = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    try:
        return shlex.split(words)[1:]
    except ValueError:  # an unfinished quote
        return words.split()[1:]


def main() -> None:
    words = _completing()
    name = command_in(sys.argv[1:] if words is None else words)
    module = COMMANDS.get(name) if name else None
    load((module,) if module else MODULES)()
