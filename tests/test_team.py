"""A team on one store: who logged what, key workers, caseloads, hand-over, edit conflicts, copy.

Like every store-using test, each runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import fingerprint, schema_of, stored, table_counts
from keepgoing.core.matching import find_person
from keepgoing.core.people import edit_person
from keepgoing.errors import EditConflict
from keepgoing.storage import open_store


def j(result) -> object:
    return json.loads(result.stdout)


def as_worker(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("KEEPGOING_WORKER", name)


def write_config(text: str | None) -> None:
    from keepgoing import locations

    config = Path(os.environ["KEEPGOING_CONFIG"])
    if text is None:
        config.unlink()
    else:
        config.write_text(text)
    locations.config_values.cache_clear()  # read once per process, as in real use


@pytest.fixture
def team(kg, monkeypatch, clock):
    """Alex and Priya share a store: three people, one of them nobody's yet."""
    kg("add", "Sam Okafor", "--every", "weekly", "--worker", "Alex", "--tag", "walking")
    kg("add", "Ann Lee", "--every", "weekly", "--worker", "alex", "--note", "Loves [bold]jazz[/bold]")
    kg("add", "Bob Marsh", "--every", "weekly", "--worker", "priya")
    kg("add", "Cath Jones", "--every", "weekly")
    as_worker(monkeypatch, "alex")
    kg("log", "sam", "--via", "phone", "--note", "Talked about the walk", "--follow-up", "Send the map")
    as_worker(monkeypatch, "priya")
    kg("log", "bob", "--via", "cuppa", "--follow-up", "Ask about the rota")
    clock.advance(days=8)


def test_what_is_logged_records_the_worker_from_config_env_or_login(kg, monkeypatch, isolated) -> None:
    write_config('worker = "Alex Smith"\n')
    kg("add", "Sam Okafor", "--worker", "Alex Smith")
    kg("log", "sam", "--via", "phone", "--follow-up", "Call back")
    kg("win", "Sam led the walk", "--with", "sam")
    as_worker(monkeypatch, "Priya")
    kg("log", "sam", "--via", "text")
    monkeypatch.delenv("KEEPGOING_WORKER")
    write_config(None)
    kg("log", "sam", "--via", "email")
    sam = j(kg("show", "sam", "--json"))
    import getpass

    assert [c["logged_by"] for c in sam["conversations"]] == [
        getpass.getuser().casefold(),
        "priya",
        "alex smith",
    ]
    assert [(f["logged_by"], f["worker"]) for f in sam["follow_ups"]] == [("alex smith", "alex smith")]
    card = kg("show", "sam").stdout
    assert "Logged by" in card and "alex smith" in card and "priya" in card
    assert "Whose" in card  # open follow-ups say whose they are
    export = j(kg("export"))
    assert {c["logged_by"] for c in export["conversations"]} >= {"priya", "alex smith"}
    assert export["wins"][0]["logged_by"] == "alex smith"
    assert export["follow_ups"][0]["worker"] == "alex smith"
    assert "alex smith" in kg("export", "--format", "csv").stdout


def test_a_blank_or_odd_worker_setting_is_a_clear_error(kg, monkeypatch, db_path) -> None:
    kg("add", "Sam Okafor")
    before = fingerprint(db_path)
    as_worker(monkeypatch, "\x1b[31mAlex")
    result = kg("log", "sam", "--via", "phone", expect=1)
    assert "control characters" in result.stderr and "\x1b" not in result.stderr
    write_config("worker = 42\n")
    monkeypatch.delenv("KEEPGOING_WORKER")
    assert "must be a quoted string" in kg("log", "sam", "--via", "phone", expect=1).stderr
    assert fingerprint(db_path) == before


def test_key_workers_split_the_due_list(kg, team, monkeypatch) -> None:
    as_worker(monkeypatch, "alex")
    mine = j(kg("due", "--mine", "--json"))
    assert mine["worker"] == "alex"
    assert [p["name"] for p in mine["people"]] == ["Ann Lee", "Sam Okafor"]
    assert {p["worker"] for p in mine["people"]} == {"alex"}
    assert [f["text"] for f in mine["follow_ups"]] == []  # no due date: not due yet
    priya = j(kg("due", "--worker", "Priya", "--within", "30d", "--json"))
    assert [p["name"] for p in priya["people"]] == ["Bob Marsh"]
    assert [f["text"] for f in priya["follow_ups"]] == []
    everyone = j(kg("due", "--team", "--json"))
    assert everyone["worker"] is None
    assert {p["name"]: p["worker"] for p in everyone["people"]} == {
        "Ann Lee": "alex",
        "Bob Marsh": "priya",
        "Cath Jones": None,
        "Sam Okafor": "alex",
    }
    table = kg("due", "--team").stdout
    assert "Key worker" in table and "nobody yet" in table
    screen = kg("due", "--mine").stdout
    assert "alex's caseload" in screen and "Bob Marsh" not in screen
    assert "1 person due with no key worker" in screen
    # A team can make "mine" the default; --team still shows everyone.
    write_config('due = "mine"\n')
    assert [p["name"] for p in j(kg("due", "--json"))["people"]] == ["Ann Lee", "Sam Okafor"]
    assert len(j(kg("due", "--team", "--json"))["people"]) == 4
    assert "Choose one of" in kg("due", "--mine", "--team", expect=2).stderr
    assert "Choose one of" in kg("due", "--mine", "--worker", "bob", expect=2).stderr


def test_follow_ups_belong_to_whoever_promised_them(kg, monkeypatch, clock) -> None:
    kg("add", "Sam Okafor", "--worker", "alex")
    as_worker(monkeypatch, "priya")  # covering for Alex today
    kg("log", "sam", "--via", "phone", "--follow-up", "Book the room", "--due", "tomorrow")
    clock.advance(days=2)
    assert [f["text"] for f in j(kg("due", "--worker", "priya", "--json"))["follow_ups"]] == ["Book the room"]
    assert j(kg("due", "--worker", "alex", "--json"))["follow_ups"] == []
    assert "Whose" in kg("due", "--team").stdout


def test_handover_moves_a_caseload_and_its_follow_ups_with_a_pack(
    kg, team, monkeypatch, tmp_path, db_path
) -> None:
    monkeypatch.chdir(tmp_path)
    before = fingerprint(db_path)
    preview = kg("handover", "--from", "alex", "--to", "priya", "--dry-run").stdout
    assert "Would hand 2 people and 1 open follow-up from alex to priya" in preview
    assert "Ann Lee, Sam Okafor" in preview
    assert fingerprint(db_path) == before and not list(tmp_path.glob("handover-*"))

    done = kg("handover", "--from", "Alex", "--to", "Priya").stdout
    assert "Handed 2 people and 1 open follow-up from alex to priya" in done
    pack = tmp_path / "handover-alex-to-priya-2026-11-28.md"
    assert pack.exists() and stat.S_IMODE(pack.stat().st_mode) == 0o600
    text = pack.read_text()
    assert text.startswith("# Hand-over pack: from alex to priya")
    for expected in (
        "## Sam Okafor",
        "## Ann Lee",
        "Send the map",
        "Talked about the walk",
        "logged by alex",
    ):
        assert expected in text, expected
    assert "Loves [bold]jazz[/bold]" in text  # user text stays literal (brackets need no escape in Markdown)
    assert "Bob Marsh" not in text
    people = {p["name"]: p for p in j(kg("people", "--json"))}
    assert people["Sam Okafor"]["worker"] == people["Ann Lee"]["worker"] == "priya"
    assert people["Sam Okafor"]["version"] == 2
    follow_ups = {f["text"]: f for f in j(kg("followups", "--json"))}
    assert follow_ups["Send the map"]["worker"] == "priya"
    assert follow_ups["Send the map"]["logged_by"] == "alex"  # who promised it is history
    assert [p["name"] for p in j(kg("due", "--worker", "priya", "--json"))["people"]] == [
        "Ann Lee",
        "Bob Marsh",
        "Sam Okafor",
    ]
    assert j(kg("due", "--worker", "alex", "--json"))["people"] == []


def test_handover_of_a_tagged_subset(kg, team, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    result = j(
        kg(
            "handover",
            "--from",
            "alex",
            "--to",
            "sam",
            "--new-worker",
            "--tag",
            "Walking",
            "-o",
            "walk.md",
            "--json",
        )
    )
    assert [p["name"] for p in result["people"]] == ["Sam Okafor"] and result["pack"] == "walk.md"
    people = {p["name"]: p["worker"] for p in j(kg("people", "--json"))}
    assert people["Sam Okafor"] == "sam" and people["Ann Lee"] == "alex"


def test_a_handover_that_cannot_finish_changes_nothing(kg, team, monkeypatch, tmp_path, db_path) -> None:
    monkeypatch.chdir(tmp_path)
    before = fingerprint(db_path)
    assert "nothing to hand over" in kg("handover", "--from", "zed", "--to", "priya", expect=1).stderr
    assert "same worker" in kg("handover", "--from", "alex", "--to", " ALEX ", expect=1).stderr
    (tmp_path / "taken.md").write_text("someone else's file")
    result = kg("handover", "--from", "alex", "--to", "priya", "-o", "taken.md", expect=1)
    assert "already exists" in result.stderr
    assert (tmp_path / "taken.md").read_text() == "someone else's file"
    assert "empty" in kg("handover", "--from", "", "--to", "priya", expect=1).stderr
    assert fingerprint(db_path) == before
    assert not list(tmp_path.glob("*handover*")) and not list(tmp_path.glob(".taken*"))


def test_a_save_based_on_an_old_version_is_refused(kg, db_path) -> None:
    kg("add", "Sam Okafor")
    seen = j(kg("show", "sam", "--json"))["version"]
    kg("edit", "sam", "--org", "Food bank", "--if-version", str(seen))
    before = fingerprint(db_path)
    result = kg("edit", "sam", "--org", "Allotments", "--if-version", str(seen), expect=1)
    assert "was changed" in result.stderr and "not saved" in result.stderr
    assert fingerprint(db_path) == before
    assert j(kg("show", "sam", "--json"))["organisation"] == "Food bank"


def test_two_workers_editing_at_once_in_the_core(kg, db_path, clock) -> None:
    """Priya opens Sam to edit; Alex saves first; Priya's save is refused, not merged over Alex's."""
    kg("add", "Sam Okafor")
    alex, priya = open_store(str(db_path)), open_store(str(db_path))
    try:
        opened = find_person(priya, "sam")
        edit_person(alex, "sam", now=clock.now(), phone="07700 900111", by="alex")
        with pytest.raises(EditConflict, match="changed by alex"):
            edit_person(
                priya,
                "sam",
                now=clock.now(),
                phone="07700 900222",
                by="priya",
                expected_version=opened.version,
            )
        after = find_person(priya, "sam")
        assert after.phone == "07700 900111" and after.version == opened.version + 1
        # Logging is not editing: both workers log at once and both conversations count.
        from keepgoing.core.conversations import log_conversation

        for store, by in ((alex, "alex"), (priya, "priya")):
            log_conversation(
                store, ["sam"], via="phone", occurred_at=clock.now(), now=clock.now(), logged_by=by
            )
        edit_person(priya, "sam", now=clock.now(), role="Chair", expected_version=after.version)
    finally:
        alex.close()
        priya.close()
    assert table_counts(db_path)["conversation"] == 2


def test_copy_there_and_back_loses_nothing(kg, tmp_path, db_path, backend, monkeypatch, clock) -> None:
    """A personal file -> this test's store (PostgreSQL on that pass) -> another file: same export."""
    personal = str(tmp_path / "personal.db")

    def on(where: str, *args: str, **kw):
        return kg("--db", where, *args, **kw)

    as_worker(monkeypatch, "alex")
    on(
        personal,
        "add",
        "Sam Okafor",
        "--alias",
        "Sammy",
        "--tag",
        "walking",
        "--worker",
        "alex",
        "--phone",
        "07700 900123",
    )
    on(personal, "add", "Zoë Ng", "--note", 'She said "keep going" \x1b[1m')
    on(personal, "group", "add", "Walkers", "--every", "weekly")
    on(personal, "log", "--group", "walkers", "--present", "sam", "--present", "zoe", "--via", "cuppa")
    on(
        personal,
        "log",
        "sam",
        "--via",
        "phone",
        "--wellbeing",
        "4",
        "--idea",
        "A bench",
        "--follow-up",
        "Map",
    )
    on(personal, "note", "zoe", "Likes mornings")
    on(personal, "win", "Zoë spoke up", "--with", "zoe")
    clock.advance(days=1)
    on(personal, "done", "1")

    def export(where: str) -> dict:
        data = j(on(where, "export"))
        data.pop("exported_at")
        return data

    original = export(personal)
    target = str(db_path) if backend != "sqlite" else str(tmp_path / "target.db")
    assert "Would copy 2 new people" in on(personal, "copy", "--to", target, "--dry-run").stdout
    if backend == "sqlite":
        assert not Path(target).exists()  # nothing created by a dry run
    else:
        assert table_counts(target)["person"] == 0
    moved = on(personal, "copy", "--to", target).stdout
    assert "Copied 2 new people (0 already there), 2 conversations, 1 follow-up and" in moved
    assert export(target) == original
    again = j(on(personal, "copy", "--to", target, "--json"))
    assert (
        again["people_added"] == []
        and again["conversations_added"] == 0
        and again["conversations_skipped"] == 2
    )
    back = str(tmp_path / "back.db")
    assert "Would copy 2 new people" in on(target, "copy", "--to", back, "--dry-run").stdout
    assert not Path(back).exists()  # a dry run creates nothing
    on(target, "copy", "--to", back)
    assert export(back) == original
    # The copy is a working store: new ids do not collide with copied ones.
    on(target, "log", "sam", "--via", "text", "--follow-up", "Next walk")
    assert "you are copying from" in on(personal, "copy", "--to", personal, expect=1).stderr


def test_forget_leaves_nothing_in_any_table(kg, db_path) -> None:
    secret = "Quentin Quaxley"
    kg("add", secret, "--alias", "Quaxers", "--email", "qq@example.org", "--worker", "alex")
    kg("add", "Ann Lee")
    kg(
        "log",
        "quentin",
        "ann",
        "--via",
        "cuppa",
        "--note",
        "Quentin Quaxley brought cake",
        "--follow-up",
        "Quaxers list",
    )
    kg("win", "Quentin won the raffle", "--with", "quentin", "--with", "ann")
    kg("forget", "quentin", "--yes")
    for table in schema_of(db_path):
        for row in stored(db_path, f'SELECT * FROM "{table}"'):
            text = repr(row)
            for part in ("Quentin", "Quaxley", "Quaxers", "qq@example.org"):
                assert part not in text, (table, row)


def test_database_passwords_never_show(kg) -> None:
    url = "postgresql+psycopg://alex:Sup3rSecretPw@127.0.0.1:1/team"
    result = kg("--db", url, "due", expect=1)
    assert "Sup3rSecretPw" not in result.stderr + result.stdout
    assert "***" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = kg("--db", url, "--debug", "due", expect=1)
    assert "Sup3rSecretPw" not in result.stderr + result.stdout


@pytest.fixture
def server_password() -> str:
    password = os.environ.get("PGPASSWORD")
    if not password:
        pytest.skip("the server's password is not in PGPASSWORD (scripts/with-postgres sets it)")
    return password


@pytest.mark.over_tcp("passwords and the URL as given are about TCP")
@pytest.mark.postgresql_only("passwords are a server's concern")
def test_the_password_can_come_from_pgpass(kg, monkeypatch, tmp_path, server_password) -> None:
    kg("add", "Sam Okafor")
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:*:*:*:{server_password}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert [p["name"] for p in j(kg("people", "--json"))] == ["Sam Okafor"]
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "missing"))
    result = kg("people", expect=1)
    assert "PGPASSWORD or ~/.pgpass" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.over_tcp("passwords and the URL as given are about TCP")
@pytest.mark.postgresql_only("passwords are a server's concern")
def test_a_wrong_or_inline_password_never_shows(kg, monkeypatch, db_path, server_password, tmp_path) -> None:
    monkeypatch.setenv("PGPASSWORD", "Wr0ngPassw0rd")
    result = kg("due", expect=1)
    assert "Wr0ngPassw0rd" not in result.stdout + result.stderr
    assert "password authentication failed" in result.stderr
    monkeypatch.delenv("PGPASSWORD")
    user, rest = db_path.split("://", 1)[1].split("@", 1)
    inline = f"postgresql+psycopg://{user}:{server_password}@{rest}"
    personal = str(tmp_path / "personal.db")
    kg("--db", personal, "add", "Sam Okafor")
    out = kg("--db", personal, "copy", "--to", inline)
    assert server_password not in out.stdout + out.stderr
    assert ":***@" in out.stdout


EDITOR = """
import os, pathlib, stat, subprocess, sys
form = pathlib.Path(sys.argv[1])
record = pathlib.Path(os.environ["FORM_RECORD"])
record.write_text(form.read_text() + f"\\n# mode {stat.S_IMODE(form.stat().st_mode):o}\\n")
if os.environ.get("RIVAL"):  # a colleague saves while this form is open
    subprocess.run(os.environ["RIVAL"].split("|"), check=True, env={**os.environ, "KEEPGOING_WORKER": "priya"})
replacement = os.environ.get("FORM_REPLACE")
if replacement:
    text = form.read_text()
    for pair in replacement.split("||"):
        old, new = pair.split("=>")
        assert old in text, old
        text = text.replace(old, new)
    form.write_text(text)
"""


@pytest.fixture
def editor(monkeypatch, tmp_path):
    """$EDITOR is a script that replaces text in the form (FORM_REPLACE="old=>new||...")."""
    import sys

    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("FORM_RECORD", str(tmp_path / "form-seen.toml"))

    def use(*pairs: str) -> None:
        monkeypatch.setenv("FORM_REPLACE", "||".join(pairs))

    return use


def test_edit_form_saves_what_changed(kg, editor, tmp_path) -> None:
    kg("add", "Sam Okafor", "--tag", "partner", "--alias", "Sammy", "--note", "Loves [b]jazz[/b]")
    editor(
        'phone = ""=>phone = "07700 900999"',
        'tags = ["partner"]=>tags = ["walking", "Partner"]',
        'aliases = ["Sammy"]=>aliases = []',
        'rhythm = "monthly"=>rhythm = "weekly"',
        'note = "Loves [b]jazz[/b]"=>note = """Loves [b]jazz[/b]\\nand the allotment"""',
    )
    out = kg("edit", "sam", "--form").stdout
    assert "Updated Sam Okafor" in out and "rhythm" in out
    seen = (tmp_path / "form-seen.toml").read_text()
    assert "Editing Sam Okafor (version 1)" in seen and "# mode 600" in seen
    sam = j(kg("show", "sam", "--json"))
    assert sam["phone"] == "07700 900999" and sam["tags"] == ["partner", "walking"]
    assert sam["aliases"] == [] and sam["cadence_days"] == 7 and sam["version"] == 2
    assert sam["note"] == "Loves [b]jazz[/b]\nand the allotment"


def test_edit_form_left_alone_or_broken_saves_nothing(kg, editor, db_path) -> None:
    kg("add", "Sam Okafor")
    before = fingerprint(db_path)
    editor()
    assert "No changes to Sam Okafor" in kg("edit", "sam", "--form").stdout
    editor('name = "Sam Okafor"=>name = "Sam Okafor')
    assert "not valid" in kg("edit", "sam", "--form", expect=1).stderr
    editor('rhythm = "monthly"=>rhythm = "sometimes"')
    kg("edit", "sam", "--form", expect=1)
    editor('rhythm = "monthly"=>colour = "blue"')
    assert "does not know: colour" in kg("edit", "sam", "--form", expect=1).stderr
    assert fingerprint(db_path) == before
    assert "leave out the other options" in kg("edit", "sam", "--form", "--role", "x", expect=2).stderr


def test_a_colleague_saving_while_the_form_is_open_wins(kg, editor, monkeypatch, db_path) -> None:
    import shutil
    import sys

    keepgoing = shutil.which(
        "keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    )
    kg("add", "Sam Okafor")
    monkeypatch.setenv("RIVAL", f"{keepgoing}|edit|sam|--org|Food bank")
    editor('phone = ""=>phone = "07700 900999"')
    result = kg("edit", "sam", "--form", expect=1)
    assert "Sam Okafor was changed by priya while you were editing" in result.stderr
    sam = j(kg("show", "sam", "--json"))
    assert sam["organisation"] == "Food bank" and sam["phone"] is None and sam["version"] == 2


def test_a_team_of_three_in_real_processes(db_path, backend, tmp_path) -> None:
    """Alex, Priya and Sam each run the installed command: log, see their own and the team's lists,
    hand a caseload over when Alex leaves, and lose nothing."""
    import shutil
    import subprocess
    import sys

    keepgoing = shutil.which(
        "keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    )

    def run(worker: str, *args: str) -> str:
        env = {**os.environ, "KEEPGOING_DB": str(db_path), "KEEPGOING_WORKER": worker}
        done = subprocess.run(
            [keepgoing, *args], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    for person, worker in (
        ("Ann Lee", "alex"),
        ("Bob Marsh", "alex"),
        ("Cath Jones", "priya"),
        ("Dev Patel", "sam"),
    ):
        run(worker, "add", person, "--every", "weekly", "--worker", worker, "--tag", "hub")
    for worker, person in (("alex", "ann"), ("priya", "cath"), ("sam", "dev"), ("priya", "bob")):
        run(
            worker,
            "log",
            person,
            "--via",
            "phone",
            "--when",
            "10 days ago",
            "--follow-up",
            f"{worker} promised {person}",
        )
    assert {p["name"] for p in json.loads(run("alex", "due", "--mine", "--json"))["people"]} == {
        "Ann Lee",
        "Bob Marsh",
    }
    assert {p["name"] for p in json.loads(run("sam", "due", "--mine", "--json"))["people"]} == {"Dev Patel"}
    team = json.loads(run("priya", "due", "--team", "--json"))
    assert {p["name"]: p["worker"] for p in team["people"]} == {
        "Ann Lee": "alex",
        "Bob Marsh": "alex",
        "Cath Jones": "priya",
        "Dev Patel": "sam",
    }
    assert "Key worker" in run("priya", "people")
    out = run("priya", "handover", "--from", "alex", "--to", "priya")
    assert "Handed 2 people and 1 open follow-up from alex to priya" in out  # Bob's was already Priya's
    (pack,) = tmp_path.glob("handover-alex-to-priya-*.md")  # real processes: today's real date
    assert "## Ann Lee" in pack.read_text() and "alex promised ann" in pack.read_text()
    assert json.loads(run("alex", "due", "--mine", "--json"))["people"] == []
    assert {p["name"] for p in json.loads(run("priya", "people", "--worker", "priya", "--json"))} == {
        "Ann Lee",
        "Bob Marsh",
        "Cath Jones",
    }
    export = json.loads(run("sam", "export"))
    assert len(export["people"]) == 4 and len(export["conversations"]) == 4 and len(export["follow_ups"]) == 4
    assert {c["logged_by"] for c in export["conversations"]} == {"alex", "priya", "sam"}


def test_a_plain_postgresql_url_means_psycopg(kg) -> None:
    for scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        result = kg("--db", f"{scheme}://alex:Pw0rd@127.0.0.1:1/team", "due", expect=1)
        assert result.stderr.startswith(f"Error: Could not connect to {scheme}://alex:***@127.0.0.1:1/team: ")
        assert "psycopg2" not in result.stderr and "Pw0rd" not in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_a_url_for_another_kind_of_server_is_refused_plainly(kg) -> None:
    result = kg("--db", "mysql://alex:Pw0rd@127.0.0.1:1/team", "due", expect=1)
    assert "a team store is on PostgreSQL" in result.stderr and "Pw0rd" not in result.stderr


@pytest.mark.postgresql_only("needs the server")
def test_the_url_from_the_issue_works_as_written(kg, db_path) -> None:
    plain = db_path.replace("postgresql+psycopg://", "postgresql://")
    kg("--db", plain, "add", "Sam Okafor")
    assert [p["name"] for p in j(kg("people", "--json"))] == ["Sam Okafor"]


def test_config_shows_and_changes_settings_keeping_comments(kg, monkeypatch, clock) -> None:
    monkeypatch.delenv("KEEPGOING_WORKER", raising=False)
    config = Path(os.environ["KEEPGOING_CONFIG"])
    config.write_text('# our team\'s settings\ndate_order = "dmy"  # UK\n')
    kg("config", "worker", " Priya Shah ")
    kg("config", "due", "MINE")
    assert "our team's settings" in config.read_text() and "# UK" in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    settings = {s["key"]: s for s in j(kg("config", "--json"))["settings"]}
    assert settings["worker"]["value"] == "priya shah" and settings["worker"]["source"] == "config file"
    assert settings["due"]["value"] == "mine" and settings["date_order"]["source"] == "config file"
    kg("add", "Sam Okafor", "--worker", "priya shah")
    kg("log", "sam", "--via", "phone", "--when", "40 days ago")
    assert j(kg("show", "sam", "--json"))["conversations"][0]["logged_by"] == "priya shah"
    assert j(kg("due", "--json"))["worker"] == "priya shah"  # due = "mine" from the config
    monkeypatch.setenv("KEEPGOING_WORKER", "alex")
    assert "$KEEPGOING_WORKER" in kg("config", "worker").stdout


def test_config_refuses_nonsense_and_never_shows_a_password(kg) -> None:
    config = Path(os.environ["KEEPGOING_CONFIG"])
    assert "no setting" in kg("config", "colour", "blue", expect=1).stderr
    assert "mine" in kg("config", "due", "sometimes", expect=1).stderr
    assert "control characters" in kg("config", "worker", "\x1b[2Jalex", expect=1).stderr
    assert "not set" in kg("config", "db", "--unset", expect=1).stderr
    assert "--unset" in kg("config", "--unset", expect=2).stderr
    assert not config.exists()
    out = kg("config", "db", "postgresql://alex:Hunter2Pw@db.example.org/team").stdout
    assert "Hunter2Pw" not in out and "alex:***@" in out and "PGPASSWORD" in out
    assert "Hunter2Pw" not in kg("config").stdout + kg("config", "--json").stdout
    kg("config", "db", "--unset")
    assert "db" not in config.read_text()
    config.write_text("worker = [broken\n")
    from keepgoing import locations

    locations.config_values.cache_clear()
    assert "not valid TOML" in kg("config", "due", "mine", expect=1).stderr
    assert config.read_text() == "worker = [broken\n"


@pytest.mark.over_tcp("passwords and the URL as given are about TCP")
@pytest.mark.postgresql_only("checks a server's store")
def test_check_on_a_server_finds_tables_altered_by_hand(kg, db_path) -> None:
    from keepgoing.storage.revisions import HEAD

    kg("add", "Sam Okafor")
    before = fingerprint(db_path)
    assert "All well" in kg("check").stdout
    assert j(kg("check", "--json")) == {"path": db_path, "ok": True, "schema": HEAD, "problems": []}
    assert fingerprint(db_path) == before
    from sqlalchemy import create_engine, text

    engine = create_engine(db_path)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE person DROP COLUMN role"))
    engine.dispose()
    result = kg("check", expect=1)
    assert "Problems in" in result.stdout and "differ" in result.stdout and "role" in result.stdout


def test_private_is_kept_on_every_store_and_travels_through_export_and_import(
    kg, tmp_path, monkeypatch
) -> None:
    kg("add", "Sam Okafor")
    kg("log", "sam", "--note", "Disclosed", "--follow-up", "Tell the lead", "--private")
    kg("log", "sam", "--note", "A cuppa")
    conversation = j(kg("amend", "--private", "--json"))["conversation"]
    assert conversation["private"] is True and conversation["note"] == "A cuppa"
    assert kg("show", "sam").stdout.count("private") == 2
    exported = tmp_path / "all.json"
    kg("export", "--output", str(exported))
    data = json.loads(exported.read_text())
    assert [c["private"] for c in data["conversations"]] == [True, True]
    assert [f["private"] for f in data["follow_ups"]] == [True]
    monkeypatch.setenv("KEEPGOING_DB", str(tmp_path / "other.db"))
    kg("import", str(exported))
    again = tmp_path / "again.json"
    kg("export", "--output", str(again))
    assert [c["private"] for c in json.loads(again.read_text())["conversations"]] == [True, True]
    data["conversations"][0]["private"] = "yes"
    exported.write_text(json.dumps(data))
    assert "private must be true or false" in kg("import", str(exported), expect=1).stderr
