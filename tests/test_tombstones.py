"""Erasure that stays erased: `forget` leaves a tombstone; import and copy leave the person out.

Also: `forget` names the older backups that still hold the person, and
`backup --prune-before` removes them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import stored, table_counts
from test_team_access import roles as roles  # the fixture: three login roles

SAM = ("Sam Jones", "Sammy", "07700 900123", "sam@example.org")


@pytest.fixture
def old_export(kg, tmp_path) -> Path:
    """A full export made while Sam was still here; then Sam is forgotten."""
    kg("add", "Sam Jones", "--alias", "Sammy", "--phone", "07700 900123", "--email", "sam@example.org")
    kg("add", "Bob Marsh")
    kg("log", "sam", "bob", "--note", "Sam Jones and Bob walked the canal")
    kg("log", "sam", "--note", "Sam alone", "--follow-up", "Send Sam the map")
    kg("note", "sam", "Likes the allotment")
    kg("win", "Sammy and Bob finished the walk", "--with", "Sam Jones", "--with", "Bob")
    kg("note", "bob", "Walks with Sam Jones on Tuesdays")
    path = tmp_path / "old.json"
    kg("export", "--output", str(path))
    kg("forget", "sam", "--yes")
    return path


def _everything(kg) -> str:
    return kg("export").stdout


def test_an_old_export_does_not_bring_a_forgotten_person_back(kg, old_export, db_path) -> None:
    result = kg("import", str(old_export))
    assert "Left out 1 person forgotten here (on Fri 20 Nov 2026), with 3 records only theirs" in (
        result.stdout
    )
    assert "--include-forgotten NAME" in result.stdout
    now = json.loads(_everything(kg))
    assert [p["name"] for p in now["people"]] == ["Bob Marsh"]
    text = json.dumps(now, ensure_ascii=False)
    for secret in (*SAM, "Sam"):
        assert secret not in text, secret
    # What Bob shared with Sam stays Bob's, with Sam redacted, and is not doubled.
    assert [c["note"] for c in now["conversations"]] == ["[someone] and Bob walked the canal"]
    assert [n["text"] for n in now["notes"]] == ["Walks with [someone] on Tuesdays"]
    report = json.loads(kg("import", str(old_export), "--json").stdout)
    assert report["forgotten_skipped"] == 1 and report["forgotten_on"] == ["2026-11-20"]
    assert report["people_added"] == [] and report["brought_back"] == []
    # The tombstone is hashes and a day: no name, email or phone.
    ((day, digests),) = stored(db_path, "SELECT forgotten_on, digests FROM tombstone")
    assert str(day).startswith("2026-11-20")
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests.split()) and len(digests.split()) == 4
    ((key,),) = stored(db_path, "SELECT value FROM store_secret WHERE name = 'tombstone_key'")
    assert re.fullmatch(r"[0-9a-f]{64}", key)


def test_a_name_an_alias_an_email_or_a_phone_alone_is_recognised(kg, old_export, tmp_path) -> None:
    for person in (
        {"name": "SAM  jones"},
        {"name": "Sammy"},
        {"name": "S. J.", "email": "SAM@example.org"},
        {"name": "Mr J", "phone": "+44 7700 900123"},
    ):
        path = tmp_path / "one.json"
        path.write_text(json.dumps({"format_version": 2, "people": [person]}), encoding="utf-8")
        result = kg("import", str(path))
        assert "Left out 1 person forgotten here" in result.stdout, person
    assert [p["name"] for p in json.loads(_everything(kg))["people"]] == ["Bob Marsh"]
    path.write_text(json.dumps({"format_version": 2, "people": [{"name": "Sam Patel"}]}), encoding="utf-8")
    assert "Left out" not in kg("import", str(path)).stdout  # someone else entirely
    sheet = tmp_path / "people.csv"
    sheet.write_text("name,phone\nAnn New,\nSamuel,07700900123\nCal Dee,\n", encoding="utf-8")
    assert "Left out 1 person forgotten here" in kg("import", str(sheet)).stdout
    names = [p["name"] for p in json.loads(_everything(kg))["people"]]
    assert names == ["Bob Marsh", "Sam Patel", "Ann New", "Cal Dee"]


def test_include_forgotten_brings_one_back_on_purpose_and_lifts_the_tombstone(
    kg, old_export, db_path
) -> None:
    before = table_counts(db_path)
    kg("import", str(old_export), "--include-forgotten", "sam jones", "--dry-run")
    assert table_counts(db_path) == before  # a dry run lifts nothing
    refused = kg("import", str(old_export), "--include-forgotten", "Nobody Here", expect=1)
    assert "Nobody Here" in refused.stderr and "nobody of that name" in refused.stderr
    assert table_counts(db_path) == before
    result = kg("import", str(old_export), "--include-forgotten", "Sam Jones")
    assert "Brought back Sam Jones" in result.stdout and "Left out" not in result.stdout
    assert stored(db_path, "SELECT count(*) FROM tombstone") == [(0,)]
    names = [p["name"] for p in json.loads(_everything(kg))["people"]]
    assert names == ["Bob Marsh", "Sam Jones"]
    assert "Left out" not in kg("import", str(old_export)).stdout  # here again, matched as usual


def test_copy_leaves_out_someone_forgotten_in_the_target(kg, tmp_path) -> None:
    target = str(tmp_path / "target.db")
    kg("--db", target, "add", "Sam Jones", "--email", "sam@example.org")
    kg("--db", target, "forget", "sam", "--yes")
    kg("add", "Sam Jones", "--email", "sam@example.org")
    kg("add", "Ann Lee")
    kg("log", "sam", "--note", "only Sam")
    result = kg("copy", "--to", target)
    assert "Left out 1 person forgotten here (on Fri 20 Nov 2026), with 1 record" in result.stdout
    assert [p["name"] for p in json.loads(kg("--db", target, "export").stdout)["people"]] == ["Ann Lee"]
    again = kg("copy", "--to", target, "--include-forgotten", "Sam Jones")
    assert "Brought back Sam Jones" in again.stdout


@pytest.mark.sqlite_only
def test_forget_names_the_older_backups_that_still_hold_them(kg, isolated, clock) -> None:
    kg("add", "Ann Lee")
    kg("backup")  # before Sam was here: does not hold him
    clock.advance(seconds=1)  # a backup is named by the moment it was made
    kg("add", "Sam Jones", "--phone", "07700 900123")
    kg("backup")
    clock.advance(seconds=1)
    kg("backup")
    clock.advance(seconds=1)
    folder = isolated.parent / "backups"
    holding = sorted(folder.glob("*.db"))[1:]
    result = kg("forget", "sam", "--yes")
    assert (
        "2 older backups still hold Sam Jones: keepgoing backup --prune-before today removes them."
        in result.stdout
    )
    for path in holding:
        assert str(path) in result.stdout
    assert str(sorted(folder.glob("*.db"))[0]) not in result.stdout
    # One made long ago, by its name: a day in the past removes only what came before it.
    shutil.copyfile(holding[0], folder / "store-20261001-090000-000000.db")
    assert "Add --yes" in kg("backup", "--prune-before", "2026-11-01", expect=2).stderr
    pruned = kg("backup", "--prune-before", "2026-11-01", "--yes")
    assert pruned.stdout.strip() == f"Removed 1 backup made before Sun 1 Nov 2026 from {folder}."
    assert len(list(folder.glob("*.db"))) == 3
    pruned = kg("backup", "--prune-before", "today", "--yes")
    assert pruned.stdout.strip() == f"Removed 3 backups made before now from {folder}."
    assert not list(folder.glob("*.db"))
    assert "nothing to remove" in kg("backup", "--prune-before", "today", "--yes").stdout
    assert "still to come" in kg("backup", "--prune-before", "tomorrow", expect=2).stderr
    assert (
        "leave out the file"
        in kg("backup", str(isolated.parent / "x.db"), "--prune-before", "today", expect=2).stderr
    )


@pytest.mark.sqlite_only
def test_an_unreadable_backup_is_named_as_not_checked(kg, isolated) -> None:
    kg("add", "Sam Jones")
    kg("backup")
    folder = isolated.parent / "backups"
    (folder / "store-20261101-090000-000000.db").write_bytes(b"not a database at all" * 100)
    result = kg("forget", "sam", "--yes")
    assert "1 older backup still holds Sam Jones" in result.stdout
    assert "1 older backup could not be looked inside and may still hold them." in result.stdout


@pytest.mark.postgresql_only("roles and row-level security are a server's")
def test_on_a_team_store_tombstones_and_their_key_are_for_managers_only(kg, roles, tmp_path) -> None:
    psycopg = pytest.importorskip("psycopg")
    roles.be(None)
    kg("team", "init")
    kg("team", "add-worker", roles.manager, "--manager")
    kg("team", "add-worker", roles.alice)
    roles.be(roles.alice)
    kg("add", "Sam Jones", "--email", "sam@example.org")
    kg("log", "sam", "--note", "first chat")
    out = tmp_path / "sar"
    refused = kg("export", "--person", "sam", "--subject-access", "--output", str(out), expect=1)
    assert "Only a manager may answer a subject access request" in refused.stderr and not out.exists()
    roles.be(roles.manager)
    kg("export", "--person", "sam", "--subject-access", "--output", str(out))
    assert "first chat" in next(out.glob("*.md")).read_text(encoding="utf-8")
    kg("forget", "sam", "--yes")
    assert roles.sql(roles.manager, "SELECT count(*) FROM tombstone") == [(1,)]
    for table in ("tombstone", "store_secret"):
        assert roles.sql(roles.alice, f"SELECT count(*) FROM {table}") == [(0,)]  # rows hidden
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        roles.sql(roles.alice, "INSERT INTO store_secret (name, value, created_at) VALUES ('x', 'y', now())")
