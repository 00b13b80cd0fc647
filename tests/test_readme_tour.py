"""The README's tour, run as written: every `$ keepgoing` line of its console blocks, in order,
on a fresh store on the README's morning, must print exactly what the README shows (issue 14).

When the program's words change on purpose: `python scripts/readme_tour.py --write`.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_tour_prints_what_the_readme_shows(tmp_path) -> None:
    # In its own process: the tour sets its own clock, worker and time zone.
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_tour.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tour_is_a_realistic_morning_through_the_new_commands() -> None:
    spec = importlib.util.spec_from_file_location("readme_tour", ROOT / "scripts" / "readme_tour.py")
    tour = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tour)
    commands = [command for command, _ in tour.steps((ROOT / "README.md").read_text(encoding="utf-8"))]
    assert len(commands) >= 15
    for needed in ("add", "log", "due", "amend", "followup", "done", "show", "unlog", "win"):
        assert any(c.split()[1] == needed for c in commands), needed
