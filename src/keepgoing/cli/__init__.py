"""The command line: parse, call the core, render. Nothing more.

The commands are listed once, in `keepgoing.cli.app.COMMANDS`. `app` here is
the Typer application (imported now so that the name means the application,
not the module cli/app.py), and `main` the `keepgoing` command.
"""

from keepgoing.cli.app import app, main

__all__ = ["app", "main"]
