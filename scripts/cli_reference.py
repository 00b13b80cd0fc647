"""Write docs/cli.md from the real `--help` of every command.

    python scripts/cli_reference.py

tests/test_docs.py fails when docs/cli.md and the commands drift apart.
"""

from __future__ import annotations

import os
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def command_names() -> list[str]:
    from typer.main import get_command

    from keepgoing.cli import app

    return sorted(get_command(app).commands)  # type: ignore[attr-defined]


def render() -> str:
    from typer.testing import CliRunner

    from keepgoing.cli import app

    os.environ["COLUMNS"] = "100"
    os.environ.pop("NO_COLOR", None)
    runner = CliRunner()
    parts = [
        "# keepgoing command reference\n",
        "Generated from the real `--help` by `python scripts/cli_reference.py`; do not edit by hand.\n",
    ]
    for name in [None, *command_names()]:
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "100"}, prog_name="keepgoing")
        title = f"keepgoing {name}" if name else "keepgoing"
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts.append(f"## `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    REFERENCE.write_text(render(), encoding="utf-8")
    print(f"wrote {REFERENCE}")
