"""The command line: parse, call the core, render. Nothing more."""

from keepgoing.cli import (
    due_command,
    exchange_commands,
    followup_commands,
    insight_commands,
    log_command,
    people_commands,
)
from keepgoing.cli.app import app

__all__ = ["app", "main"]
_COMMANDS = (
    people_commands,
    log_command,
    due_command,
    followup_commands,
    exchange_commands,
    insight_commands,
)


def main() -> None:
    app()
