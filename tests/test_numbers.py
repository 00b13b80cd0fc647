"""Numbers given to conversations, follow-ups, ideas, notes and wins are never reused (issue 20).

A number is how a worker amends, closes or cancels something, and the
calendar's UID (`follow-up-9@...`) names a promise by it: once given, it
names that one thing for good, even after the thing is removed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

KINDS = ("conversations", "follow_ups", "ideas", "notes", "wins")


def each(ids: list[int]) -> dict[str, list[int]]:
    return {kind: ids for kind in KINDS}


def one_of_each(kg, name: str, *, db: tuple[str, ...] = ()) -> None:
    kg(*db, "log", name, "--idea", f"An idea of {name}", "--follow-up", f"Ring {name}")
    kg(*db, "note", name, f"{name} likes chess")
    kg(*db, "win", f"{name} came along", "--with", name)


def numbers(kg, *, db: tuple[str, ...] = ()) -> dict[str, list[int]]:
    data = json.loads(kg(*db, "export", "--format", "json").stdout)
    return {kind: sorted(item["id"] for item in data[kind]) for kind in KINDS}


def test_the_numbers_of_a_forgotten_person_are_never_given_again(kg) -> None:
    kg("add", "Ann Lee")
    kg("add", "Sam Okafor")
    one_of_each(kg, "ann")
    one_of_each(kg, "sam")  # the highest of each kind
    kg("forget", "sam", "--yes")
    one_of_each(kg, "ann")
    assert numbers(kg) == each([1, 3])


def test_a_cancelled_follow_up_and_an_unlogged_conversation_keep_their_numbers(kg) -> None:
    kg("add", "Sam")
    kg("log", "sam", "--follow-up", "Send the minutes")
    kg("log", "sam", "--follow-up", "Book the room")
    kg("followup", "2", "--cancel")
    kg("unlog", "2", "--yes")
    out = kg("log", "sam", "--follow-up", "Ring the council").stdout
    assert "(#3)" in out and "Follow-up #3 " in out


@pytest.mark.sqlite_only("backup and restore are for a local store")
def test_a_restored_backup_never_gives_out_a_number_given_since(kg, tmp_path: Path) -> None:
    kg("add", "Sam")
    one_of_each(kg, "sam")
    kg("backup", str(tmp_path / "monday.db"))
    one_of_each(kg, "sam")  # #2 of each: in the calendar, in people's notes
    kg("restore", str(tmp_path / "monday.db"), "--yes")
    one_of_each(kg, "sam")
    assert numbers(kg) == each([1, 3])


def test_an_import_into_a_store_that_gave_numbers_out_uses_new_ones(kg, tmp_path: Path) -> None:
    other = ("--db", str(tmp_path / "other.db"))
    kg(*other, "add", "Ann Lee")
    one_of_each(kg, "ann", db=other)
    kg(*other, "export", "--output", str(tmp_path / "ann.json"))
    kg("add", "Sam")
    one_of_each(kg, "sam")
    one_of_each(kg, "sam")
    kg("forget", "sam", "--yes")  # an empty store again, that has given #1 and #2
    kg("import", str(tmp_path / "ann.json"))
    assert numbers(kg) == each([3])
    one_of_each(kg, "ann")  # and the store's own numbering carries on past them
    assert numbers(kg) == each([3, 4])


def test_a_copy_into_a_store_carries_on_past_what_it_brought(kg, tmp_path: Path, db_path) -> None:
    other = ("--db", str(tmp_path / "other.db"))
    kg(*other, "add", "Ann Lee")
    one_of_each(kg, "ann", db=other)
    one_of_each(kg, "ann", db=other)
    kg(*other, "copy", "--to", str(db_path))
    one_of_each(kg, "ann")
    assert numbers(kg) == each([1, 2, 3])


@pytest.mark.sqlite_only("a store written by keepgoing 0.3 is a SQLite file")
def test_an_older_store_is_upgraded_to_numbers_never_reused_with_its_search_intact(
    kg, tmp_path: Path
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent / "fixtures" / "schema" / "0005_corrections.db", path)
    conn = sqlite3.connect(path)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
    ).fetchall()
    conn.close()
    db = ("--db", str(path))
    kg(*db, "unlog", "2", "--yes")
    assert "(#3)" in kg(*db, "log", "sam", "--note", "Planned the allotment tour").stdout
    assert "allotment tour" in kg(*db, "search", "allotment").stdout
    assert "the hub" in kg(*db, "search", "hub").stdout
    conn = sqlite3.connect(path)
    assert (
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1").fetchall()
        == triggers
    )
    fks = conn.execute("PRAGMA foreign_key_list(conversation)").fetchall()
    assert [(fk[2], fk[3], fk[6]) for fk in fks] == [("community_group", "group_id", "SET NULL")]
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
