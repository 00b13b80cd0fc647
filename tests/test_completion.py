"""Tab completion through Typer's protocol (_KEEPGOING_COMPLETE), for bash, zsh and fish.

Each test runs the installed entry point in a real process, as a shell does
when Tab is pressed, against a real store; completion reads it with stdlib
sqlite3 only (the import budget below).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from keepgoing.storage import open_store

pytestmark = pytest.mark.sqlite_only("completion reads a local store file directly")

PROBE = """
import json, os, sys
from keepgoing.cli import main
try:
    main()
except SystemExit:
    pass
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump(sorted(m.split(".")[0] for m in sys.modules), out)
"""


@pytest.fixture
def env(isolated, tmp_path) -> dict[str, str]:
    from datetime import UTC, datetime

    from keepgoing.core.conversations import log_conversation
    from keepgoing.core.groups import add_group
    from keepgoing.core.people import add_person

    now = datetime(2026, 11, 20, 10, tzinfo=UTC)
    store = open_store(str(isolated))
    add_person(store, "Sam Okafor", now=now, tags=["partner"], aliases=["Sammy"])
    add_person(store, "Priya Shah", now=now, tags=["food-bank"])
    add_group(store, "Tuesday walkers", now=now)
    log_conversation(store, ["sam"], via="phone", occurred_at=now, now=now, follow_up="Send the minutes")
    store.close()
    environment = dict(os.environ)
    environment.update(KEEPGOING_DB=str(isolated), KEEPGOING_CONFIG=str(tmp_path / "none.toml"))
    return environment


def complete(env: dict[str, str], shell: str, line: str) -> str:
    """What keepgoing answers when `shell` asks to complete `line` (its last word)."""
    words = line.split(" ")
    extra = {"_KEEPGOING_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        extra.update(COMP_WORDS=line, COMP_CWORD=str(len(words) - 1))
    else:
        extra["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            extra["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    result = subprocess.run(
        [sys.executable, "-m", "keepgoing"], env={**env, **extra}, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_commands_and_options_complete(env, shell) -> None:
    assert "log" in complete(env, shell, "keepgoing lo")
    assert "--via" in complete(env, shell, "keepgoing log sam --v")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_names_aliases_tags_groups_channels_and_follow_ups_complete(env, shell) -> None:
    assert "Sam Okafor" in complete(env, shell, "keepgoing show S")
    assert "sam Okafor" in complete(env, shell, "keepgoing log sam")  # any case; keeps what was typed
    assert "Sammy" in complete(env, shell, "keepgoing log Sa")
    assert "Priya Shah" not in complete(env, shell, "keepgoing show S")
    assert "food-bank" in complete(env, shell, "keepgoing due --tag f")
    assert "Tuesday walkers" in complete(env, shell, "keepgoing log --group T")
    assert "phone" in complete(env, shell, "keepgoing log sam --via p")
    assert "1" in complete(env, shell, "keepgoing done ")


def test_completion_offers_nothing_rather_than_an_error(env, tmp_path) -> None:
    broken = {**env, "KEEPGOING_DB": str(tmp_path / "missing" / "nowhere.db")}
    assert complete(broken, "bash", "keepgoing show S").strip() == ""
    assert not (tmp_path / "missing").exists()  # completion never creates a store
    server = {**env, "KEEPGOING_DB": "postgresql://nobody@127.0.0.1:1/none"}
    assert complete(server, "bash", "keepgoing show S").strip() == ""


def test_completion_stays_on_the_hot_path_import_budget(env, tmp_path) -> None:
    out = tmp_path / "modules.json"
    extra = {
        "_KEEPGOING_COMPLETE": "complete_bash",
        "COMP_WORDS": "keepgoing show S",
        "COMP_CWORD": "2",
        "PROBE_OUT": str(out),
    }
    subprocess.run([sys.executable, "-c", PROBE], env={**env, **extra}, check=True, timeout=30)
    loaded = set(json.loads(out.read_text()))
    assert not loaded & {"sqlalchemy", "sqlmodel", "pydantic", "alembic", "rich", "dateutil"}


def test_the_completion_script_is_shown_for_each_shell(env) -> None:
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run(
            [sys.executable, "-m", "keepgoing", "--show-completion", shell],
            # Typer's switch for naming the shell rather than detecting it from the process tree.
            env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0 and "_KEEPGOING_COMPLETE" in result.stdout, shell


def test_show_completion_falls_back_to_the_login_shell_when_none_is_seen(env) -> None:
    """Run from a script or a service, no shell is in the process tree: $SHELL, else bash."""
    probe = (
        "import shellingham, sys\n"
        "def nothing(*a, **k):\n"
        "    raise shellingham.ShellDetectionFailure()\n"
        "shellingham.detect_shell = nothing\n"
        "sys.argv = ['keepgoing', '--show-completion']\n"
        "from keepgoing.cli import main\n"
        "main()\n"
    )
    for shell, marker in (("/usr/bin/fish", "complete --command keepgoing"), ("", "_keepgoing_completion()")):
        result = subprocess.run(
            [sys.executable, "-c", probe],
            env={**env, "SHELL": shell},
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert result.returncode == 0 and marker in result.stdout, (shell, result.stdout[:200], result.stderr)
