"""The command line: parse, call the core, render. Nothing more.

Importing each command module registers its commands on `app`, in the order
they appear in `--help`.
"""

from keepgoing.cli import (
    due_command,
    exchange_commands,
    followup_commands,
    insight_commands,
    log_command,
    people_commands,
    safety_commands,
)
from keepgoing.cli.app import app

__all__ = ["app", "main"]
COMMAND_MODULES = (
    log_command,
    due_command,
    followup_commands,
    people_commands,
    exchange_commands,
    insight_commands,
    safety_commands,
)


def main() -> None:
    app()
