"""Tab completion through Typer's protocol (_KEEPGOING_COMPLETE), for bash, zsh and fish.

Each test runs the installed entry point in a real process, as a shell does
when Tab is pressed, against a real store; completion reads it with stdlib
sqlite3 only (the import budget below).
"""

from __future__ import annotations

import json
import os
import re
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


def complete(env: dict[str, str], shell: str, line: str, *, raw: bool = False) -> str:
    """What keepgoing answers when `shell` asks to complete `line` (its last word).

    For bash, each candidate as the argument it becomes (bash gets them backslash-escaped) unless `raw`.
    """
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
    if shell == "bash" and not raw:
        return re.sub(r"\\(.)", r"\1", result.stdout)
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
    assert "add" in complete(env, shell, "keepgoing followup a")
    assert "add" not in complete(env, shell, "keepgoing done ")


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


def _add(env: dict[str, str], *names: str) -> None:
    from datetime import UTC, datetime

    from keepgoing.core.people import add_person

    store = open_store(env["KEEPGOING_DB"])
    for name in names:
        add_person(store, name, now=datetime(2026, 11, 20, 10, tzinfo=UTC))
    store.close()


def test_full_names_are_offered_quoted_for_the_shell(env) -> None:
    """`show da<Tab>` gave `show dave Thompson` (two words); `Berna<Tab>` left bash in an open quote."""
    _add(env, "dave Thompson", "Bernadette O'Connor")
    assert complete(env, "bash", "keepgoing show da", raw=True).split("\n")[0] == "dave\\ Thompson"
    assert "Bernadette\\ O\\'Connor" in complete(env, "bash", "keepgoing show Berna", raw=True)
    # Inside a quote the user opened, readline closes it: the name goes in as it is.
    assert complete(env, "bash", "keepgoing show 'Berna", raw=True).strip() == "Bernadette O'Connor"
    assert "Sam\\ Okafor" in complete(env, "bash", "keepgoing log --with S", raw=True)
    # zsh evals Typer's single-quoted _arguments line: the apostrophe must survive it.
    zsh = complete(env, "zsh", "keepgoing show Berna")
    spec = subprocess.run(
        ["bash", "-c", f"printf '%s' {zsh.removeprefix('_arguments ')}"], capture_output=True, text=True
    ).stdout
    assert spec == '*: :(("Bernadette O\'Connor"))', spec
    _add(env, 'Jo "JJ" Smith')
    zsh = complete(env, "zsh", "keepgoing show Jo")
    spec = subprocess.run(
        ["bash", "-c", f"printf '%s' {zsh.removeprefix('_arguments ')}"], capture_output=True, text=True
    ).stdout
    assert spec == '*: :(("Jo \\"JJ\\" Smith"))', spec
    # fish quotes what it inserts itself: the name as it is.
    assert complete(env, "fish", "keepgoing show Berna").strip() == "Bernadette O'Connor"


def test_a_real_bash_puts_a_completed_name_in_as_one_argument(env) -> None:
    """bash sources the completion script, completes `show Berna` and `show da`, then reads the line back."""
    _add(env, "dave Thompson", "Bernadette O'Connor")
    script = subprocess.run(
        [sys.executable, "-m", "keepgoing", "--show-completion", "bash"],
        env={**env, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    bin_dir = os.path.dirname(sys.executable)
    round_trip = (
        script
        + "\n"
        + 'for typed in Berna da; do COMP_WORDS=(keepgoing show "$typed"); COMP_CWORD=2; '
        + "_keepgoing_completion keepgoing; "
        + 'eval "set -- keepgoing show ${COMPREPLY[0]}"; printf "%s|" "$#" "$3"; echo; done'
    )
    result = subprocess.run(
        ["bash", "--norc", "-c", round_trip],
        env={**env, "PATH": bin_dir + os.pathsep + env.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines() == ["3|Bernadette O'Connor|", "3|dave Thompson|"], result
