"""The command line: parse, call the core, render. Nothing more.

Importing each command module registers its commands on `app`, in the order
they appear in `--help`, which is why these imports are not sorted.

The command modules do not use `from __future__ import annotations`: with
postponed annotations Typer has to eval every parameter's annotation string
when it builds the commands, which cost ~30 ms on every run.
"""

# isort: skip_file
from keepgoing.cli import log_command, due_command, followup_commands
from keepgoing.cli import people_commands, coproduction_commands
from keepgoing.cli import exchange_commands, insight_commands, team_commands, safety_commands
from keepgoing.cli.app import app

__all__ = ["app", "main"]
COMMAND_MODULES = (
    log_command,
    due_command,
    followup_commands,
    people_commands,
    coproduction_commands,
    exchange_commands,
    insight_commands,
    team_commands,
    safety_commands,
)


def main() -> None:
    app()
