"""A team store's manager-only work (issue 21): the database's own refusal of a worker's
retention, import and copy; a manager's import and copy; completion, merge and hand-over
under row-level security. On a real PostgreSQL with LOGIN roles that are not superusers
(the fixtures of test_team_access)."""

from __future__ import annotations

import json

import psycopg
import pytest

from conftest import stored
from test_team_access import Team, _as, _id, roles, team  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgresql_only("roles and row-level security are a server's")


def test_the_database_refuses_a_workers_retention_import_and_copy_whatever_keepgoing_checks(
    kg, team: Team, db_path, tmp_path, monkeypatch
) -> None:
    # keepgoing's own check switched off: what is left is the database's refusal.
    monkeypatch.setattr("keepgoing.storage.team.require_manager", lambda store, what: None)
    before = stored(db_path, "SELECT count(*) FROM conversation")
    (tmp_path / "in.json").write_text(
        '{"format_version": 1, "people": [{"id": 50, "name": "New Person"}]}', encoding="utf-8"
    )
    team.be(team.bob)
    for args, what in (
        (("retention", "--older-than", "1d", "--yes"), "apply the retention rules"),
        (("retention", "--older-than", "1d", "--dry-run"), "apply the retention rules"),
        (("import", str(tmp_path / "in.json")), "import into the team store"),
        (("copy", "--to", str(tmp_path / "copy.db")), "copy the team store"),
    ):
        refused = kg(*args, expect=1).stderr
        assert f"Only a manager may {what}" in refused and "the database refused" in refused, args
        assert refused.count("\n") == 1, refused
    assert stored(db_path, "SELECT count(*) FROM conversation") == before
    assert stored(db_path, "SELECT count(*) FROM person WHERE name = 'New Person'") == [(0,)]
    assert not (tmp_path / "copy.db").exists()
    # psql as Bob: the gate, and the numbers a file brings (a sequence moved), are a manager's.
    for statement in (
        "SELECT keepgoing_managers_only()",
        "SELECT setval(pg_get_serial_sequence('person', 'id'), 1000)",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql(team.bob, statement)
            pytest.fail(f"not refused: {statement}")


def test_a_managers_import_keeps_who_wrote_what_and_retention_works(kg, team: Team, db_path, tmp_path) -> None:
    team.be(team.manager)
    exported = tmp_path / "team.json"
    kg("export", "--format", "json", "--output", str(exported))
    kg("forget", "ann", "--yes")
    assert "Added 1 person" in kg("import", str(exported)).stdout
    assert stored(db_path, "SELECT worker FROM person WHERE name = 'Ann Lee'") == [(team.bob,)]
    assert stored(db_path, "SELECT logged_by FROM conversation WHERE note = 'Bob''s cuppa'") == [(team.bob,)]
    team.be(team.bob)  # back in Bob's caseload, with his note
    assert "Bob's cuppa" in kg("show", "ann").stdout
    kg("log", "ann", "--note", "After the import")  # the numbers moved past the file's
    # A manager may not put a stranger to the team down as a record's writer, nor change one.
    for statement in (
        "INSERT INTO conversation (occurred_at, via, note, logged_by, created_at) "
        "VALUES (now(), 'phone', 'forged', 'not_in_the_team', now())",
        f"UPDATE conversation SET logged_by = '{team.alice}' WHERE note = 'After the import'",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql(team.manager, statement)
            pytest.fail(f"not refused: {statement}")
    # Retention's anonymise clears who wrote old conversations: a manager's.
    team.sql(team.manager, "UPDATE conversation SET occurred_at = now() - interval '3 years'")
    team.be(team.manager)
    assert "anonymised" in kg("retention", "--older-than", "2y", "--mode", "anonymise", "--yes").stdout.lower()
    assert stored(db_path, "SELECT count(*) FROM conversation WHERE logged_by IS NOT NULL") == [(0,)]


def _local_store(kg, tmp_path, monkeypatch) -> str:
    local = str(tmp_path / "mine.db")
    monkeypatch.setenv("KEEPGOING_DB", local)
    kg("add", "Kit Local", "--phone", "07700 900555")
    kg("log", "kit", "--note", "Met at the allotment", "--follow-up", "Send the leaflet")
    kg("note", "kit", "Likes mornings")
    return local


def test_a_manager_copies_a_local_store_into_the_team_store_as_a_workers_caseload(
    kg, team: Team, db_path, tmp_path, monkeypatch
) -> None:
    local = _local_store(kg, tmp_path, monkeypatch)
    target = _as(team.admin, team.manager)
    refused = kg("--db", local, "copy", "--to", target, "--worker", "nobody_at_all", expect=1).stderr
    assert "nobody_at_all is not a worker or manager" in refused and refused.count("\n") == 1
    assert stored(db_path, "SELECT count(*) FROM person WHERE name = 'Kit Local'") == [(0,)]
    kg("--db", local, "copy", "--to", target, "--worker", team.alice)
    assert stored(db_path, "SELECT worker FROM person WHERE name = 'Kit Local'") == [(team.alice,)]
    assert stored(
        db_path,
        "SELECT DISTINCT c.logged_by FROM conversation c WHERE note = 'Met at the allotment'",
    ) == [(team.alice,)]
    assert stored(db_path, "SELECT logged_by, worker FROM follow_up WHERE text = 'Send the leaflet'") == [
        (team.alice, team.alice)
    ]
    team.be(team.alice)
    assert "Met at the allotment" in kg("show", "kit").stdout
    team.be(team.bob)
    assert "Local" not in kg("show", "kit", expect=1).stderr
    # Without --worker, the people become the caseload of whoever copies.
    monkeypatch.setenv("KEEPGOING_DB", str(tmp_path / "other.db"))
    kg("add", "Lee Other")
    kg("log", "lee", "--note", "Hello")
    kg("copy", "--to", target)
    assert stored(db_path, "SELECT worker FROM person WHERE name = 'Lee Other'") == [(team.manager,)]
    assert stored(db_path, "SELECT logged_by FROM conversation WHERE note = 'Hello'") == [(team.manager,)]
    assert "is not one" in kg("copy", "--to", str(tmp_path / "x.db"), "--worker", team.alice, expect=1).stderr
