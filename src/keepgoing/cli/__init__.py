"""The command line: parse, call the core, render. Nothing more.

The commands are listed once, in `keepgoing.cli.app.COMMANDS`; `app` is the
Typer application and `main` the `keepgoing` command.
"""

from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    from keepgoing.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from keepgoing.cli.app import app

        return app
    raise AttributeError(name)
