"""A team store that lets no one in where they don't belong (issue 21).

On a real PostgreSQL server, with three LOGIN roles that are not superusers:
a manager and two workers. Whoever looks after the database (here the
test server's superuser, who owns the test database) runs `team init`.
Every attack is tried through keepgoing and through psycopg as that role:
what stops it is the database (privileges, FORCE ROW LEVEL SECURITY,
policies WITH CHECK), never a check in Python.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
import psycopg.sql
import pytest

from conftest import stored
from keepgoing.storage.team import NOT_PERSONAL, PERSONAL

pytestmark = pytest.mark.postgresql_only("roles and row-level security are a server's")


def _as(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


def _conninfo(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


class Team:
    """The test database's URL for each of its people, and a way to be one of them."""

    def __init__(self, url: str, prefix: str, monkeypatch: pytest.MonkeyPatch):
        self.admin = url
        self.manager, self.alice, self.bob = (f"{prefix}_{n}" for n in ("maria", "alice", "bob"))
        self._monkeypatch = monkeypatch

    def be(self, role: str | None) -> None:
        self._monkeypatch.setenv("KEEPGOING_DB", self.admin if role is None else _as(self.admin, role))

    def sql(self, role: str, statement: str, params: tuple = ()) -> list[tuple]:
        """One statement through psycopg as `role`, as psql would send it."""
        with psycopg.connect(_conninfo(_as(self.admin, role)), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture
def roles(db_path, postgres, monkeypatch):
    """Three login roles, unique to this test's database (roles are cluster-wide), dropped after."""
    database = db_path.rsplit("/", 1)[1]
    team = Team(db_path, database, monkeypatch)
    password = os.environ.get("PGPASSWORD", "")
    made = [team.manager, team.alice, team.bob]
    with psycopg.connect(_conninfo(db_path), autocommit=True) as conn:
        for role in made:
            conn.execute(
                psycopg.sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
            )
    yield team
    postgres.drop(db_path)  # first: its tables belong to the group roles
    with psycopg.connect(_conninfo(f"{db_path.rsplit('/', 1)[0]}/postgres"), autocommit=True) as conn:
        for role in [*made, *(f"{database}_{g}" for g in ("worker", "manager", "owner"))]:
            conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def team(kg, roles):
    """Set up as the issue says: init, then add-worker for each; Alice and Bob each have a person."""
    roles.be(None)
    kg("team", "init")
    kg("team", "add-worker", roles.manager, "--name", "Maria Lopez", "--manager")
    kg("team", "add-worker", roles.alice, "--name", "Alice Kay")
    kg("team", "add-worker", roles.bob)
    roles.be(roles.alice)
    kg("add", "Sam Okafor", "--phone", "07700 900123", "--email", "sam@example.org")
    kg("log", "sam", "--note", "Safeguarding: secret-zanzibar", "--follow-up", "Ring the GP")
    roles.be(roles.bob)
    kg("add", "Ann Lee")
    kg("log", "ann", "--note", "Bob's cuppa")
    return roles


def test_every_table_holding_personal_data_is_under_row_level_security(kg, team, db_path) -> None:
    tables = {
        name
        for (name,) in stored(
            db_path,
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
        )
    }
    # A new table must say whether it holds personal data (storage/team.py), or this fails.
    assert tables == set(PERSONAL) | set(NOT_PERSONAL)
    protected = dict(
        stored(
            db_path,
            "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
        )
    )
    policies = {name for (name,) in stored(db_path, "SELECT DISTINCT tablename FROM pg_policies")}
    for table in tables - set(NOT_PERSONAL):
        assert protected[table], f"{table} holds personal data but has no FORCE ROW LEVEL SECURITY"
        assert table in policies, f"{table} holds personal data but has no policy"
    owners = set(stored(db_path, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
    assert owners == {(f"{db_path.rsplit('/', 1)[1]}_owner",)}


def test_a_worker_sees_only_their_caseload_in_keepgoing_and_in_psql(kg, team) -> None:
    team.be(team.bob)
    assert "Okafor" not in kg("show", "sam", expect=1).stderr
    assert "Nothing found for zanzibar" in kg("search", "zanzibar", expect=None).stdout
    assert [p["name"] for p in json.loads(kg("people", "--json").stdout)] == ["Ann Lee"]
    exported = kg("export", "--format", "json").stdout
    assert "zanzibar" not in exported and "07700" not in exported and "Okafor" not in exported
    due = kg("due", "--within", "30d").stdout
    assert "Ann Lee" in due and "Okafor" not in due
    assert "Ring the GP" not in kg("followups").stdout
    # psql as Bob sees no more than keepgoing.
    assert team.sql(team.bob, "SELECT name FROM person") == [("Ann Lee",)]
    assert team.sql(team.bob, "SELECT note FROM conversation") == [("Bob's cuppa",)]
    assert team.sql(team.bob, "SELECT text FROM follow_up") == []
    assert team.sql(team.bob, "SELECT count(*) FROM conversation_person") == [(1,)]
    # Alice sees hers and not his; the manager sees everyone.
    assert team.sql(team.alice, "SELECT name, phone FROM person") == [("Sam Okafor", "07700 900123")]
    team.be(team.manager)
    assert "secret-zanzibar" in kg("show", "sam").stdout
    assert (
        "zanzibar" in kg("search", "zanzibar").stdout
        and "Nothing found" not in kg("search", "zanzibar").stdout
    )
    assert "07700 900123" in kg("export", "--format", "json").stdout
    assert sorted(p["name"] for p in json.loads(kg("people", "--json").stdout)) == ["Ann Lee", "Sam Okafor"]
    assert len(team.sql(team.manager, "SELECT note FROM conversation")) == 2


def test_the_worker_is_the_login_role_never_a_setting(kg, team, monkeypatch, db_path) -> None:
    team.be(team.bob)
    monkeypatch.setenv("KEEPGOING_WORKER", team.alice)
    kg("log", "ann", "--note", "Who am I?")
    kg("amend", "--note", "Who am I, fixed")
    assert stored(db_path, "SELECT logged_by, amended_by FROM conversation WHERE note LIKE 'Who%'") == [
        (team.bob, team.bob)
    ]
    assert [p["name"] for p in json.loads(kg("due", "--mine", "--json").stdout)["people"]] == []
    assert stored(db_path, "SELECT worker FROM person WHERE name = 'Ann Lee'") == [(team.bob,)]


def test_a_worker_cannot_write_as_anyone_else_or_switch_the_rules_off(kg, team, db_path) -> None:
    bob, alice = team.bob, team.alice
    (ann,) = stored(db_path, "SELECT id FROM person WHERE name = 'Ann Lee'")[0]
    (sams_conversation,) = stored(db_path, f"SELECT id FROM conversation WHERE logged_by = '{alice}'")[0]
    (sam,) = stored(db_path, "SELECT id FROM person WHERE name = 'Sam Okafor'")[0]
    refused = [
        # something about Alice's person, even in Bob's own name
        (
            f"INSERT INTO person_note (person_id, text, created_at) VALUES ({sam}, 'x', now())",
            psycopg.errors.InsufficientPrivilege,
        ),
        (
            "INSERT INTO follow_up (person_id, text, created_at, logged_by, worker) "
            f"VALUES ({sam}, 'x', now(), current_user, current_user)",
            psycopg.errors.InsufficientPrivilege,
        ),
        # a conversation naming Alice as its writer
        (
            "INSERT INTO conversation (occurred_at, via, note, logged_by, created_at) "
            f"VALUES (now(), 'phone', 'forged', '{alice}', now())",
            psycopg.errors.InsufficientPrivilege,
        ),
        (f"UPDATE conversation SET logged_by = '{alice}'", psycopg.errors.InsufficientPrivilege),
        # Ann handed to Alice behind a manager's back, or taken from her
        (f"UPDATE person SET worker = '{alice}' WHERE id = {ann}", psycopg.errors.InsufficientPrivilege),
        (
            "INSERT INTO person (name, name_key, cadence_days, created_at, updated_at, due_on, worker) "
            f"VALUES ('X', 'x', 7, now(), now(), current_date, '{alice}')",
            psycopg.errors.InsufficientPrivilege,
        ),
        (
            f"INSERT INTO conversation_person (conversation_id, person_id) VALUES ({sams_conversation}, {ann})",
            psycopg.errors.InsufficientPrivilege,
        ),
        ("ALTER TABLE person DISABLE ROW LEVEL SECURITY", psycopg.errors.InsufficientPrivilege),
        ("ALTER TABLE person NO FORCE ROW LEVEL SECURITY", psycopg.errors.InsufficientPrivilege),
        ("DROP POLICY worker_reads ON person", psycopg.errors.InsufficientPrivilege),
        ("CREATE ROLE sneaky LOGIN", psycopg.errors.InsufficientPrivilege),
        (f"GRANT {db_path.rsplit('/', 1)[1]}_manager TO {bob}", psycopg.errors.InsufficientPrivilege),
        ("SET ROLE postgres", psycopg.errors.InsufficientPrivilege),
        # no migration either: the schema and its version belong to the owner role
        ("ALTER TABLE person ADD COLUMN sneaky integer", psycopg.errors.InsufficientPrivilege),
        ("UPDATE alembic_version SET version_num = '0004_team'", psycopg.errors.InsufficientPrivilege),
        ("CREATE TABLE public.sneaky (id integer)", psycopg.errors.InsufficientPrivilege),
        ("DROP FUNCTION keepgoing_conversation_writer(integer)", psycopg.errors.InsufficientPrivilege),
        # only a manager erases anyone, even someone in his own caseload
        (f"DELETE FROM person WHERE id = {ann}", psycopg.errors.InsufficientPrivilege),
        ("DELETE FROM person WHERE name = 'Sam Okafor'", psycopg.errors.InsufficientPrivilege),
    ]
    for statement, error in refused:
        with pytest.raises(error):
            team.sql(bob, statement)
            pytest.fail(f"not refused: {statement}")
    # What Bob cannot see he cannot change or remove either: nothing happens.
    assert team.sql(bob, "UPDATE conversation SET note = 'gone' WHERE logged_by <> current_user") == []
    team.sql(bob, "DELETE FROM follow_up")
    assert stored(db_path, "SELECT count(*) FROM person") == [(2,)]
    assert stored(db_path, "SELECT note FROM conversation WHERE note LIKE 'Safe%'") == [
        ("Safeguarding: secret-zanzibar",)
    ]
    assert stored(db_path, "SELECT count(*) FROM follow_up") == [(1,)]
    # Through keepgoing: Bob cannot amend or unlog Alice's conversation, even with --force.
    team.be(bob)
    assert (
        "no conversation number"
        in kg("amend", str(sams_conversation), "--note", "x", "--force", expect=1).stderr
    )
    assert (
        "no conversation number" in kg("unlog", str(sams_conversation), "--yes", "--force", expect=1).stderr
    )


def test_init_makes_the_people_already_there_a_workers_caseload(kg, roles, db_path) -> None:
    roles.be(None)
    kg("add", "Sam Okafor")
    kg("add", "Ann Lee", "--worker", "someone-who-left")
    result = kg("team", "init", "--worker", roles.alice)
    assert f"2 people now in {roles.alice}'s caseload" in result.stdout
    assert "row-level security" in result.stdout
    assert "renewed" in kg("team", "init").stdout  # again: idempotent
    kg("team", "add-worker", roles.bob, "--manager")
    workers = json.loads(kg("team", "workers", "--json").stdout)
    assert workers == [
        {"role": roles.alice, "name": None, "manager": False, "caseload": 2},
        {"role": roles.bob, "name": None, "manager": True, "caseload": 0},
    ]
    assert f"{roles.alice}: worker, 2 people in their caseload" in kg("team", "workers").stdout
    roles.be(roles.alice)
    assert len(json.loads(kg("people", "--json").stdout)) == 2


def test_team_commands_refuse_plainly(kg, roles, db_path, monkeypatch, tmp_path) -> None:
    roles.be(None)
    assert "team init first" in kg("team", "workers", expect=1).stderr
    assert "audit trail is kept in team stores" in kg("audit", expect=1).stderr
    assert "team init first" in kg("team", "add-worker", roles.bob, expect=1).stderr
    kg("team", "init")
    missing = kg("team", "add-worker", "nobody_at_all", expect=1).stderr
    assert "There is no database role nobody_at_all" in missing and missing.count("\n") == 1
    assert "There is no database role" in kg("team", "init", "--worker", "nobody_at_all", expect=1).stderr
    # A login role nobody has added: one line saying so, nothing else.
    roles.be(roles.bob)
    outsider = kg("people", expect=1).stderr
    assert f"{roles.bob} is not a keepgoing worker or manager" in outsider and outsider.count("\n") == 1
    roles.be(None)
    kg("team", "add-worker", roles.bob)
    roles.be(roles.bob)
    assert "may not create roles" in kg("team", "init", expect=1).stderr
    monkeypatch.setenv("KEEPGOING_DB", str(tmp_path / "local.db"))
    kg("add", "Sam")
    assert "need a PostgreSQL store" in kg("team", "init", expect=1).stderr


def test_a_worker_on_an_older_schema_is_told_to_ask_for_the_upgrade(kg, team, db_path) -> None:
    database = db_path.rsplit("/", 1)[1]
    # The store as 0009 left it: what 0010 and later add taken away again, by the owner (with
    # the policies that read the shares or the idea's group).
    with psycopg.connect(_conninfo(db_path), autocommit=True) as conn:
        conn.execute(f"SET ROLE {database}_owner")
        conn.execute("DROP TABLE audit, person_share, tombstone, store_secret CASCADE")
        conn.execute("DROP TABLE measure_score, measure CASCADE")  # and what 0012 added
        conn.execute("DROP TABLE monitoring, monitoring_consent CASCADE")
        conn.execute("DROP INDEX ix_conversation_logged_by")
        for table in ("conversation", "follow_up", "person_note"):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN private CASCADE")
        conn.execute("ALTER TABLE person_note DROP COLUMN logged_by CASCADE")  # and what 0011 and later add
        conn.execute("ALTER TABLE conversation_person DROP COLUMN wellbeing")
        conn.execute("ALTER TABLE idea DROP COLUMN group_id CASCADE")
        conn.execute("ALTER TABLE idea DROP COLUMN told_at, DROP COLUMN told_by")
        conn.execute("DROP INDEX ix_conversation_report")
        conn.execute("ALTER TABLE person DROP COLUMN pause_reason")
        conn.execute("UPDATE alembic_version SET version_num = '0009_attempts_and_followups'")
    team.be(team.bob)
    told = kg("due", expect=1).stderr
    assert "The team store needs an upgrade: ask whoever looks after it to run keepgoing upgrade" in told
    assert told.count("\n") == 1
    assert "needs an upgrade" in kg("upgrade", expect=1).stderr  # a worker cannot
    assert stored(db_path, "SELECT version_num FROM alembic_version") == [("0009_attempts_and_followups",)]
    team.be(None)
    assert "newest schema" in kg("upgrade").stdout
    team.be(team.bob)
    assert [p["name"] for p in json.loads(kg("people", "--json").stdout)] == ["Ann Lee"]
    # Row-level security survived the upgrade.
    assert team.sql(team.bob, "SELECT name FROM person") == [("Ann Lee",)]


def test_leaving_needs_the_caseload_handed_over_first_then_shuts_the_door(
    kg, team, db_path, tmp_path
) -> None:
    team.be(None)
    refused = kg("team", "leave", team.alice, expect=1).stderr
    assert "1 person and 1 open follow-up" in refused and "handover" in refused and refused.count("\n") == 1
    assert team.alice in kg("team", "workers").stdout
    assert "not a worker or manager" in kg("team", "leave", "nobody_at_all", expect=1).stderr
    kg("handover", "--from", team.alice, "--to", team.bob, "--output", str(tmp_path / "pack.md"))
    assert "can no longer see" in kg("team", "leave", team.alice).stdout
    assert team.alice not in kg("team", "workers").stdout
    team.be(team.alice)
    assert "is not a keepgoing worker or manager" in kg("people", expect=1).stderr
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql(team.alice, "SELECT name FROM person")
    # The caseload went with the hand-over: Bob sees Sam and Alice's notes about him.
    assert "secret-zanzibar" in team.sql(team.bob, "SELECT string_agg(note, ' ') FROM conversation")[0][0]


def test_whoever_owns_the_database_sets_up_the_team_without_being_a_superuser(
    kg, roles, postgres, monkeypatch
) -> None:
    admin = f"{roles.alice}_admin"
    base = roles.admin.rsplit("/", 1)[0]
    with psycopg.connect(_conninfo(roles.admin), autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(
                psycopg.sql.Identifier(admin), psycopg.sql.Literal(os.environ.get("PGPASSWORD", ""))
            )
        )
    url = postgres.create(migrated=False)
    database = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(_conninfo(f"{base}/postgres"), autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {database} OWNER TO {admin}")
        monkeypatch.setenv("KEEPGOING_DB", _as(url, admin))
        kg("add", "Sam Okafor")  # the first command makes the tables, owned by the administrator
        assert "1 person now in" in kg("team", "init", "--worker", roles.bob).stdout
        kg("team", "add-worker", roles.bob)
        monkeypatch.setenv("KEEPGOING_DB", _as(url, roles.bob))
        assert [p["name"] for p in json.loads(kg("people", "--json").stdout)] == ["Sam Okafor"]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team = Team(url, database, monkeypatch)
            team.sql(roles.bob, "ALTER TABLE person DISABLE ROW LEVEL SECURITY")
    finally:
        postgres.drop(url)
        with psycopg.connect(_conninfo(f"{base}/postgres"), autocommit=True) as conn:
            for role in (*(f"{database}_{g}" for g in ("worker", "manager", "owner")), admin):
                conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_what_only_a_manager_may_do_is_refused_to_a_worker_plainly(kg, team, db_path, tmp_path) -> None:
    team.be(team.bob)
    (tmp_path / "in.json").write_text('{"format_version": 1, "people": []}')
    for args in (
        ("forget", "ann", "--yes"),
        ("forget", "ann", "--dry-run"),
        ("retention", "--older-than", "2y", "--dry-run"),
        ("import", str(tmp_path / "in.json")),
        ("copy", "--to", str(tmp_path / "copy.db")),
        ("due", "--team"),
        ("report", "--team", "--format", "md", "--output", str(tmp_path / "r.md")),
        ("handover", "--from", team.bob, "--to", team.alice, "--output", str(tmp_path / "p.md")),
    ):
        refused = kg(*args, expect=1).stderr
        assert "Only a manager may" in refused and refused.count("\n") == 1, args
    assert not (tmp_path / "r.md").exists() and not (tmp_path / "p.md").exists()
    assert not (tmp_path / "copy.db").exists()
    assert stored(db_path, "SELECT count(*) FROM person WHERE name = 'Ann Lee'") == [(1,)]
    # What the database does whatever keepgoing says: Bob cannot give Ann away himself.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql(team.bob, f"UPDATE person SET worker = '{team.alice}' WHERE name = 'Ann Lee'")
    # Bob's own report covers only what he may see.
    kg("report", "--format", "md", "--output", str(tmp_path / "mine.md"))
    assert "Okafor" not in (tmp_path / "mine.md").read_text()
    team.be(team.manager)
    assert "Sam Okafor" in kg("due", "--team", "--within", "30d").stdout


def test_a_group_session_shows_a_worker_only_the_members_they_may_see(kg, team, db_path) -> None:
    team.be(team.manager)
    kg("group", "add", "Walking group", "--member", "Sam Okafor", "--member", "Ann Lee")
    kg("log", "--group", "walking", "--present", "Sam Okafor", "--present", "Ann Lee", "--note", "Good walk")
    seen = next(c for c in json.loads(kg("show", "ann", "--json").stdout)["conversations"] if c["note"])
    assert "Sam Okafor" in json.dumps(seen)  # the manager sees everyone who was there
    team.be(team.bob)
    session = next(c for c in json.loads(kg("show", "ann", "--json").stdout)["conversations"] if c["note"])
    assert session["note"] == "Good walk" and "Sam Okafor" not in json.dumps(session)
    assert "Okafor" not in kg("group", "show", "walking").stdout
    assert team.sql(team.bob, "SELECT count(*) FROM group_member") == [(1,)]
    team.be(team.alice)
    session = next(
        c for c in json.loads(kg("show", "sam", "--json").stdout)["conversations"] if c["note"] == "Good walk"
    )
    assert "Ann Lee" not in json.dumps(session)


def _id(db_path: str, sql: str) -> int:
    return int(stored(db_path, sql)[0][0])


def test_a_manager_shares_one_person_with_a_worker_and_only_a_manager_can(kg, team, db_path) -> None:
    bob = team.bob
    sam = _id(db_path, "SELECT id FROM person WHERE name = 'Sam Okafor'")
    team.be(bob)
    assert "Okafor" not in kg("show", "sam", expect=1).stderr
    refused = kg("team", "share", "ann", "--with", bob, expect=1).stderr
    assert "Only a manager may share a person" in refused and refused.count("\n") == 1
    # Whatever keepgoing says, the database refuses a worker's share, even of himself.
    for statement in (
        "INSERT INTO person_share (person_id, role, shared_at, shared_by) "
        f"VALUES ({sam}, current_user, now(), current_user)",
        f"UPDATE person_share SET role = current_user WHERE person_id = {sam}",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql(bob, statement)
            pytest.fail(f"not refused: {statement}")
    team.be(team.manager)
    assert f"Sam Okafor is now shared with {bob}" in kg("team", "share", "sam", "--with", bob).stdout
    assert "Nothing changed" in kg("team", "share", "sam", "--with", bob).stdout
    shared = json.loads(kg("audit", "--person", "sam", "--json").stdout)
    assert [(e["action"], e["records"]) for e in shared if e["action"] == "share"] == [
        ("share", f"with {bob}")
    ]
    missing = kg("team", "share", "sam", "--with", "nobody_at_all", expect=1).stderr
    assert "nobody_at_all is not a worker" in missing and missing.count("\n") == 1
    team.be(bob)
    assert "secret-zanzibar" in kg("show", "sam").stdout
    assert team.sql(bob, "SELECT name FROM person ORDER BY name") == [("Ann Lee",), ("Sam Okafor",)]
    assert team.sql(bob, "SELECT text FROM follow_up") == [("Ring the GP",)]
    assert team.sql(bob, "SELECT role FROM person_share") == [(bob,)]
    kg("edit", "sam", "--phone", "07700 900999")  # he may change what he may see
    # ... but not make Sam his own, nor give him away: the key worker is a manager's to change.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql(bob, f"UPDATE person SET worker = current_user WHERE id = {sam}")
    assert stored(db_path, f"SELECT worker, phone FROM person WHERE id = {sam}") == [
        (team.alice, "07700 900999")
    ]
    # Alice's shares are not Bob's to see; stopping the share shuts the door again.
    assert team.sql(team.alice, "SELECT count(*) FROM person_share") == [(0,)]
    team.be(team.manager)
    assert "no longer shared" in kg("team", "share", "sam", "--with", bob, "--stop").stdout
    assert "Nothing changed" in kg("team", "share", "sam", "--with", bob, "--stop").stdout
    assert team.sql(bob, "SELECT name FROM person") == [("Ann Lee",)]
    team.be(bob)
    assert "Okafor" not in kg("show", "sam", expect=1).stderr


def test_a_worker_sees_whom_they_talked_to_in_the_last_90_days_by_the_databases_clock(
    kg, team, db_path
) -> None:
    bob = team.bob
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob)
    team.be(bob)
    kg("log", "sam", "--note", "Covering for Alice")
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob, "--stop")
    # No share now, but Bob talked to Sam: he still sees him (and so his history).
    assert team.sql(bob, "SELECT name FROM person ORDER BY name") == [("Ann Lee",), ("Sam Okafor",)]
    team.be(bob)
    assert "secret-zanzibar" in kg("show", "sam").stdout
    # The rule reads the database's now(), not keepgoing's clock: move the conversation there.
    covering = "UPDATE conversation SET occurred_at = now() - %s::interval WHERE note = 'Covering for Alice'"
    team.sql(team.manager, covering, ("89 days",))
    assert len(team.sql(bob, "SELECT name FROM person")) == 2
    team.sql(team.manager, covering, ("91 days",))
    assert team.sql(bob, "SELECT name FROM person") == [("Ann Lee",)]
    assert "Okafor" not in kg("show", "sam", expect=1).stderr
    # Only his own conversations count: Alice's note with Sam opens nothing for Bob.
    assert team.sql(bob, "SELECT count(*) FROM conversation WHERE left(note, 4) = 'Safe'") == [(0,)]


def test_the_audit_trail_records_who_read_and_changed_what_and_nobody_can_change_it(
    kg, team, db_path, monkeypatch, tmp_path
) -> None:
    bob, alice, manager = team.bob, team.alice, team.manager
    ann = _id(db_path, "SELECT id FROM person WHERE name = 'Ann Lee'")
    team.be(bob)
    kg("show", "ann")
    kg("search", "cuppa")
    kg("export", "--format", "json")
    team.sql(bob, "UPDATE conversation SET note = 'Typed in psql' WHERE note = 'Bob''s cuppa'")
    mine = json.loads(kg("audit", "--json").stdout)
    assert {e["role"] for e in mine} == {bob}  # a worker sees his own entries only
    actions = [(e["command"], e["action"], e["person_id"]) for e in mine]
    for entry in (
        ("add", "insert person", ann),
        ("log", "insert conversation_person", ann),
        ("show", "show", ann),
        ("search", "search", None),
        ("export", "export", None),
        (None, "update conversation", None),  # psql's writes are recorded too
    ):
        assert entry in actions, entry
    assert "changed note" in next(e["records"] for e in mine if e["command"] is None)
    assert team.sql(bob, "SELECT count(*) FROM audit WHERE role <> current_user") == [(0,)]
    assert bob not in kg_audit_roles(kg, team, alice)
    # Nobody may forge, change or remove an entry: privileges, policies and a trigger.
    for role, statement in (
        (bob, f"INSERT INTO audit (role, action) VALUES ('{alice}', 'forged')"),
        (bob, "UPDATE audit SET action = 'nothing'"),
        (bob, "DELETE FROM audit"),
        (manager, f"INSERT INTO audit (role, action) VALUES ('{alice}', 'forged')"),
        (manager, "UPDATE audit SET action = 'nothing'"),
        (manager, "DELETE FROM audit"),
        (manager, "TRUNCATE audit"),
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql(role, statement)
            pytest.fail(f"not refused: {role}: {statement}")
    database = db_path.rsplit("/", 1)[1]
    with psycopg.connect(_conninfo(db_path), autocommit=True) as conn:  # a grant made by mistake
        conn.execute(f"GRANT UPDATE, DELETE ON audit TO {database}_manager")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        team.sql(manager, "DELETE FROM audit")
    # A manager sees everyone's, and can narrow it down.
    team.be(manager)
    about_ann = json.loads(kg("audit", "--person", "ann", "--json").stdout)
    assert about_ann and {e["person_id"] for e in about_ann} == {ann}
    assert {e["role"] for e in json.loads(kg("audit", "--worker", alice, "--json").stdout)} == {alice}
    # (entries carry the database's time; the tests' keepgoing clock is fixed, so plain dates)
    assert json.loads(kg("audit", "--since", "2099-01-01", "--json").stdout) == []
    assert len(json.loads(kg("audit", "--since", "2000-01-01", "--json").stdout)) > 10
    assert "show person" in kg("audit", "--worker", bob).stdout
    # After an erasure the audit keeps the fact and the numbers, never a name or a note.
    kg("forget", "ann", "--yes")
    forgot = [e for e in json.loads(kg("audit", "--json").stdout) if e["action"] == "forget"]
    assert [(e["role"], e["person_id"]) for e in forgot] == [(manager, ann)]
    gone = stored(db_path, f"SELECT action FROM audit WHERE person_id = {ann} AND action LIKE 'delete %'")
    assert ("delete person",) in gone and ("delete conversation_person",) in gone
    kg("report", "--team", "--format", "md", "--output", str(tmp_path / "r.md"))
    assert stored(
        db_path, "SELECT count(*) FROM audit WHERE action = 'report' AND records LIKE '%(team)'"
    ) == [(1,)]
    everything = stored(
        db_path, "SELECT string_agg(concat_ws(' ', command, action, records), ' ') FROM audit"
    )
    for secret in ("ann", "lee", "cuppa", "psql", "zanzibar", "okafor", "gp"):
        assert secret not in everything[0][0].lower(), secret
    # One person's local store keeps no audit trail, and says so.
    monkeypatch.setenv("KEEPGOING_DB", str(tmp_path / "local.db"))
    kg("add", "Sam")
    told = kg("audit", expect=1).stderr
    assert "audit trail is kept in team stores" in told and told.count("\n") == 1


def kg_audit_roles(kg, team, role: str) -> set[str]:
    team.be(role)
    return {e["role"] for e in json.loads(kg("audit", "--json").stdout)}


def test_what_is_logged_private_is_seen_only_by_its_writer_and_the_managers(kg, team, db_path) -> None:
    bob, alice = team.bob, team.alice
    team.be(alice)
    kg("log", "sam", "--note", "Disclosed: secret-private", "--follow-up", "Tell the lead", "--private")
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob)  # Bob may see Sam, but not what is private
    team.be(bob)
    shown = kg("show", "sam").stdout
    assert "secret-zanzibar" in shown and "secret-private" not in shown and "Tell the lead" not in shown
    assert "Nothing found" in kg("search", "secret-private", expect=None).stdout
    assert "secret-private" not in kg("export", "--format", "json").stdout
    assert team.sql(bob, "SELECT count(*) FROM conversation WHERE private") == [(0,)]
    assert team.sql(bob, "SELECT text FROM follow_up") == [("Ring the GP",)]
    # A worker cannot hide a colleague's conversation from everyone else either.
    (safe,) = stored(db_path, "SELECT id FROM conversation WHERE left(note, 4) = 'Safe'")[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql(bob, f"UPDATE conversation SET private = true WHERE id = {safe}")
    refused = kg("amend", str(safe), "--private", "--force", expect=1).stderr
    assert "row-level security" in refused and refused.count("\n") == 1, refused
    assert stored(db_path, f"SELECT private FROM conversation WHERE id = {safe}") == [(False,)]
    # Its writer and the managers see it, and it travels in a manager's export.
    assert "secret-private" in team.sql(alice, "SELECT string_agg(note, ' ') FROM conversation")[0][0]
    team.be(team.manager)
    exported = json.loads(kg("export", "--format", "json").stdout)
    private = [c for c in exported["conversations"] if c["private"]]
    assert [c["note"] for c in private] == ["Disclosed: secret-private"]
    assert [f["text"] for f in exported["follow_ups"] if f["private"]] == ["Tell the lead"]
    # Alice makes her earlier conversation private after all: it and its follow-up go from Bob's view.
    team.be(alice)
    assert "private" in kg("amend", str(safe), "--private").stdout
    assert team.sql(bob, "SELECT note FROM conversation") == [("Bob's cuppa",)]
    assert team.sql(bob, "SELECT count(*) FROM follow_up") == [(0,)]
    assert (
        "secret-zanzibar"
        not in team.sql(bob, "SELECT coalesce(string_agg(note, ' '), '') FROM conversation")[0][0]
    )


def test_the_database_refuses_a_workers_retention_import_and_copy_whatever_keepgoing_checks(
    kg, team, db_path, tmp_path, monkeypatch
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


def test_a_managers_import_keeps_who_wrote_what_and_retention_works(kg, team, db_path, tmp_path) -> None:
    team.be(team.manager)
    exported = tmp_path / "team.json"
    kg("export", "--format", "json", "--output", str(exported))
    kg("forget", "ann", "--yes")
    assert "Added 1 person" in kg("import", str(exported), "--include-forgotten", "Ann Lee").stdout
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
    assert (
        "anonymised" in kg("retention", "--older-than", "2y", "--mode", "anonymise", "--yes").stdout.lower()
    )
    assert stored(db_path, "SELECT count(*) FROM conversation WHERE logged_by IS NOT NULL") == [(0,)]


def _local_store(kg, tmp_path, monkeypatch) -> str:
    local = str(tmp_path / "mine.db")
    monkeypatch.setenv("KEEPGOING_DB", local)
    kg("add", "Kit Local", "--phone", "07700 900555")
    kg("log", "kit", "--note", "Met at the allotment", "--follow-up", "Send the leaflet")
    kg("note", "kit", "Likes mornings")
    return local


def test_a_manager_copies_a_local_store_into_the_team_store_as_a_workers_caseload(
    kg, team, db_path, tmp_path, monkeypatch
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


def test_a_private_lasting_note_and_follow_up_are_their_writers_and_the_managers(
    kg, team, db_path, tmp_path
) -> None:
    bob, alice = team.bob, team.alice
    team.be(alice)
    kg("note", "sam", "Likes the allotment")
    assert "private" in kg("note", "sam", "Safeguarding plan: secret-note", "--private").stdout
    kg("followup", "add", "sam", "Ring the social worker: secret-promise", "--private")
    assert "--private is for a new follow-up" in kg("followup", "1", "--private", expect=2).stderr
    shown = json.loads(kg("show", "sam", "--json").stdout)
    assert [n["private"] for n in shown["notes"]] == [True, False]  # newest first
    assert "secret-note" in kg("show", "sam").stdout
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob)
    team.be(bob)  # Bob may see Sam, but not what Alice wrote privately
    seen = kg("show", "sam").stdout
    assert "Likes the allotment" in seen and "secret-note" not in seen and "secret-promise" not in seen
    assert "secret" not in kg("followups").stdout
    assert "Nothing found" in kg("search", "secret-note", expect=None).stdout
    exported = kg("export", "--format", "json").stdout
    assert "secret-note" not in exported and "secret-promise" not in exported
    assert team.sql(bob, "SELECT text FROM person_note") == [("Likes the allotment",)]
    assert team.sql(bob, "SELECT count(*) FROM follow_up WHERE private") == [(0,)]
    # Nor can he write one in Alice's name, or make hers private (hiding it from everyone).
    sam = _id(db_path, "SELECT id FROM person WHERE name = 'Sam Okafor'")
    for statement in (
        f"INSERT INTO person_note (person_id, text, created_at, logged_by) VALUES ({sam}, 'x', now(), '{alice}')",
        "UPDATE person_note SET private = true WHERE text = 'Likes the allotment'",
        f"UPDATE person_note SET logged_by = '{alice}'",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql(bob, statement)
            pytest.fail(f"not refused: {statement}")
    # His own note names him, whatever he leaves out.
    team.sql(
        bob, f"INSERT INTO person_note (person_id, text, created_at) VALUES ({sam}, 'Bob was here', now())"
    )
    assert stored(db_path, "SELECT logged_by FROM person_note WHERE text = 'Bob was here'") == [(bob,)]
    # A manager's export carries them, marked, and an import brings them back as they were.
    team.be(team.manager)
    kg("export", "--format", "json", "--output", str(tmp_path / "all.json"))
    data = json.loads((tmp_path / "all.json").read_text())
    assert [(n["text"], n["logged_by"]) for n in data["notes"] if n["private"]] == [
        ("Safeguarding plan: secret-note", alice)
    ]
    assert [f["text"] for f in data["follow_ups"] if f["private"]] == [
        "Ring the social worker: secret-promise"
    ]
    kg("forget", "sam", "--yes")
    kg("import", str(tmp_path / "all.json"), "--include-forgotten", "Sam Okafor")
    assert stored(db_path, "SELECT logged_by, private FROM person_note WHERE text LIKE 'Safe%'") == [
        (alice, True)
    ]
    # The spreadsheet says which conversations are private.
    team.be(alice)
    kg("log", "sam", "--note", "Quiet word", "--private")
    team.be(team.manager)
    sheet = kg("export", "--format", "csv").stdout.splitlines()
    assert sheet[0].endswith(",reached,private")
    assert [line.rsplit(",", 1)[1] for line in sheet[1:] if "Quiet word" in line] == ["yes"]
    assert all(line.endswith(",no") for line in sheet[1:] if "Quiet word" not in line)


def test_completion_offers_nothing_from_a_team_store(kg, team) -> None:
    from keepgoing.storage import completion

    team.be(team.bob)  # a Tab press never reads a server: nobody's clients' names leak through it
    for complete in (completion.people, completion.tags, completion.groups):
        assert complete("") == [] and complete("S") == []
    assert completion.follow_ups("") == []
    assert [n for n, _ in completion.follow_ups_or_add("")] == ["add"]


def test_a_merge_in_a_team_store_is_a_managers_and_the_database_refuses_a_workers(kg, team, db_path) -> None:
    bob = team.bob
    before = stored(db_path, "SELECT count(*) FROM person")
    team.be(bob)
    unseen = kg("merge", "sam okafor", "into", "ann lee", "--yes", expect=1).stderr
    assert "Okafor" not in unseen.replace("sam okafor", "") and unseen.count("\n") == 1, unseen
    team.be(team.manager)
    kg("team", "share", "sam", "--with", bob)
    team.be(bob)  # he sees both now, but a merge removes a record: the database refuses him
    refused = kg("merge", "sam okafor", "into", "ann lee", "--yes", expect=1).stderr
    assert refused.count("\n") == 1 and "Traceback" not in refused, refused
    assert stored(db_path, "SELECT count(*) FROM person") == before
    assert stored(
        db_path,
        "SELECT count(*) FROM conversation_person cp JOIN person p ON p.id = cp.person_id "
        "WHERE p.name = 'Sam Okafor'",
    ) == [(1,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        team.sql(bob, "DELETE FROM person WHERE name = 'Sam Okafor'")
    team.be(team.manager)
    kg("merge", "sam okafor", "into", "ann lee", "--yes")
    assert stored(db_path, "SELECT name FROM person") == [("Ann Lee",)]
    team.be(bob)  # Ann is still Bob's: what was Sam's came with her, and he sees it
    assert "secret-zanzibar" in kg("show", "ann").stdout


def test_a_hand_over_ends_the_old_key_workers_90_day_view_the_records_follow_the_caseload(
    kg, team, db_path, tmp_path
) -> None:
    alice, bob = team.alice, team.bob
    # Alice talked to Sam yesterday, by the database's clock (the rule reads it).
    team.sql(
        "postgres",
        "UPDATE conversation SET occurred_at = now() - interval '1 day', "
        "created_at = now() - interval '1 day'",
    )
    team.be(team.manager)
    kg("handover", "--from", alice, "--to", bob, "--output", str(tmp_path / "pack.md"))
    assert team.sql(alice, "SELECT count(*) FROM person") == [(0,)]
    # What she wrote herself she still reads, but no longer whom it was with.
    assert team.sql(alice, "SELECT count(*) FROM conversation WHERE left(note, 4) = 'Safe'") == [(1,)]
    assert team.sql(alice, "SELECT count(*) FROM conversation_person") == [(0,)]
    team.be(alice)
    assert "Okafor" not in kg("show", "sam", expect=1).stderr
    assert team.sql(bob, "SELECT name FROM person ORDER BY name") == [("Ann Lee",), ("Sam Okafor",)]
    entries = stored(db_path, "SELECT records FROM audit WHERE action = 'handed over'")
    assert entries == [(f"from {alice}",)]
    # Covering for Bob later, she talks to Sam again: that opens her 90 days again.
    team.be(team.manager)
    kg("team", "share", "sam", "--with", alice)
    team.be(alice)
    kg("log", "sam", "--note", "Covering for Bob")
    team.sql(
        "postgres",
        "UPDATE conversation SET occurred_at = now(), created_at = now() + interval '1 minute' "
        "WHERE note = 'Covering for Bob'",
    )
    team.be(team.manager)
    kg("team", "share", "sam", "--with", alice, "--stop")
    assert team.sql(alice, "SELECT name FROM person") == [("Sam Okafor",)]


def test_audit_shows_the_newest_entries_in_the_users_own_time_zone(kg, team, db_path, monkeypatch) -> None:
    team.be(team.manager)
    everything = json.loads(kg("audit", "--json").stdout)
    newest = json.loads(kg("audit", "--limit", "2", "--json").stdout)
    assert [e["id"] for e in newest] == [e["id"] for e in everything[-2:]]
    assert "--limit" in kg("audit", "--limit", "0", expect=2).stderr
    # The server talks in Auckland's time; the user is in London (the tests' TZ): London it is.
    monkeypatch.setenv("PGOPTIONS", "-c TimeZone=Pacific/Auckland")
    (last,) = stored(
        db_path,
        "SELECT to_char(at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI:SS') FROM audit "
        "ORDER BY id DESC LIMIT 1",
    )[0]
    assert last in kg("audit", "--limit", "1").stdout
    assert json.loads(kg("audit", "--limit", "1", "--json").stdout)[0]["at"].endswith(("+00:00", "+01:00"))


def test_config_says_that_in_a_team_store_the_worker_is_the_login_role(kg, team, monkeypatch) -> None:
    team.be(team.bob)
    monkeypatch.setenv("KEEPGOING_WORKER", team.alice)
    (worker,) = [s for s in json.loads(kg("config", "--json").stdout)["settings"] if s["key"] == "worker"]
    assert (worker["value"], worker["source"]) == (team.bob, "team store")
    shown = kg("config", "worker").stdout
    assert team.bob in shown and team.alice not in shown and "login role" in shown
