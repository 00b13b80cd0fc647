"""A team store's address and connection: every form libpq accepts (TCP and the Unix socket),
passwords never shown, connection strings never taken for a file, another application's
database left alone, timeouts instead of waiting forever, and who may upgrade (issues 19, 20).

The socket cases need KEEPGOING_TEST_POSTGRES_SOCKET (`scripts/with-postgres` sets it).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PG, fingerprint, table_counts
from keepgoing.storage.revisions import HEAD, REVISIONS

SERVER_PASSWORD = os.environ.get("PGPASSWORD")  # the test server's, before any test changes it
SOCKET = os.environ.get("KEEPGOING_TEST_POSTGRES_SOCKET")  # postgresql:///?host=DIR&port=P&user=U
needs_socket = pytest.mark.skipif(
    not SOCKET,
    reason="no socket address: run `scripts/with-postgres pytest` (KEEPGOING_TEST_POSTGRES_SOCKET)",
)


def j(result) -> object:
    return json.loads(result.stdout)


def socket_parts() -> dict[str, str]:
    assert SOCKET
    return {key: values[0] for key, values in parse_qs(urlsplit(SOCKET).query).items()}


def database_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def tcp_parts() -> dict[str, str]:
    assert PG
    parts = urlsplit(PG)
    return {"host": parts.hostname or "", "port": str(parts.port), "user": parts.username or ""}


def admin(database: str, *statements: str) -> list[tuple]:
    """Run statements as the test server's superuser (over TCP, PGPASSWORD), returning the last's rows."""
    import psycopg

    tcp = tcp_parts()
    rows: list[tuple] = []
    with psycopg.connect(**tcp, dbname=database, password=SERVER_PASSWORD, autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def use_the_store(kg, where: str) -> None:
    """Open (setting a new store up: the upgrade path), log and show through `where`."""
    kg("--db", where, "log", "Sam Okafor", "--new", "--via", "phone", "--note", "Over the socket")
    sam = j(kg("--db", where, "show", "sam", "--json"))
    assert "Over the socket" in [c["note"] for c in sam["conversations"]]


@pytest.mark.postgresql_only("libpq's address forms")
@needs_socket
def test_every_libpq_address_form_opens_and_upgrades_the_store(
    kg, postgres, db_path, monkeypatch, tmp_path
) -> None:
    sock = socket_parts()
    host, port, user = sock["host"], sock["port"], sock["user"]
    tcp = tcp_parts()
    service = tmp_path / "pg_service.conf"
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    # (form, whether it sets a new database up; the others open this test's store)
    forms = {
        "?host=": (lambda db: f"postgresql:///{db}?host={host}&port={port}&user={user}", True),
        "%2F host": (lambda db: f"postgresql://{user}@{host.replace('/', '%2F')}:{port}/{db}", True),
        "empty host, PGHOST": (lambda db: f"postgresql:///{db}", True),
        "service= in the URL": (lambda db: "postgresql://?service=kgtest", True),
        "keyword string": (lambda db: f"host={host} port={port} user={user} dbname={db}", True),
        "+psycopg ?host=": (
            lambda db: f"postgresql+psycopg:///{db}?host={host}&port={port}&user={user}",
            False,
        ),
        "TCP, PGPASSWORD": (lambda db: f"postgresql://{tcp['user']}@127.0.0.1:{tcp['port']}/{db}", False),
    }
    shared = 0
    for name, (form, fresh) in forms.items():
        url = postgres.create(migrated=False) if fresh else str(db_path)
        db = database_of(url)
        service.write_text(f"[kgtest]\nhost={host}\nport={port}\nuser={user}\ndbname={db}\n")
        with monkeypatch.context() as env:
            if name == "empty host, PGHOST":
                env.setenv("PGHOST", host)
                env.setenv("PGPORT", port)
                env.setenv("PGUSER", user)
            use_the_store(kg, form(db))
        shared += not fresh
        assert table_counts(url)["conversation"] == (1 if fresh else shared), name  # seen over TCP
        if fresh:
            postgres.drop(url)


@pytest.mark.postgresql_only("an older store upgraded over the socket")
@needs_socket
def test_an_older_store_upgrades_over_the_socket(kg, postgres) -> None:
    url = postgres.create(migrated=False)
    _migrate_to(url, REVISIONS[-2])
    sock = socket_parts()
    where = f"postgresql://%2F{sock['host'].lstrip('/').replace('/', '%2F')}:{sock['port']}/{database_of(url)}?user={sock['user']}"
    kg("--db", where, "add", "Ann Lee")
    assert admin(database_of(url), "SELECT version_num FROM alembic_version") == [(HEAD,)]
    assert "All well" in kg("--db", where, "check").stdout
    postgres.drop(url)


@pytest.mark.postgresql_only("the installed command over the socket")
@needs_socket
def test_the_installed_command_over_the_socket(db_path, tmp_path) -> None:
    import shutil
    import subprocess
    import sys

    keepgoing = shutil.which(
        "keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    )
    sock = socket_parts()
    env = {
        **os.environ,
        "KEEPGOING_DB": f"postgresql:///{database_of(str(db_path))}?host={sock['host']}",
        "PGPORT": sock["port"],
        "PGUSER": sock["user"],
    }
    env.pop("PGPASSWORD", None)  # the socket needs none
    for args in (["add", "Sam Okafor"], ["people", "--json"]):
        done = subprocess.run(
            [keepgoing, *args], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
    assert [p["name"] for p in json.loads(done.stdout)] == ["Sam Okafor"]


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("postgresql://alex@127.0.0.1:1/x?password=50%off", ["50%off", "50%of"]),
        ("postgresql://u:S3cr%zz@127.0.0.1:1/x", ["S3cr%zz", "S3cr"]),
        ("postgresql://u:Pw0rd99@[::1:1/x", ["Pw0rd99"]),
        ("postgresql://u@127.0.0.1:1/x?sslpassword=Pw%zzQ&password=Sec%2", ["Pw%zzQ", "Sec%2"]),
    ],
)
def test_the_drivers_own_messages_never_show_a_password(kg, url, secrets) -> None:
    result = kg("--db", url, "due", expect=1)
    out = result.stdout + result.stderr
    for secret in secrets:
        assert secret not in out, out
    assert "***" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "internal problem" not in out


def test_a_pgpassword_is_never_shown(kg, monkeypatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "Pg-S3cr%t")
    # libpq quotes what it cannot read: here the "database" is the same text as the password.
    result = kg("--db", "postgresql://u@127.0.0.1:1/Pg-S3cr%t", "due", expect=1)
    assert "Pg-S3cr" not in result.stdout + result.stderr and len(result.stderr.splitlines()) == 1


def test_a_connection_string_is_never_taken_for_a_file(kg, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    string = "host=127.0.0.1 port=1 dbname=x password=SECRETPW"
    for args in (["--db", string, "due"], ["--db", string, "people", "--json"], ["--db", string, "check"]):
        result = kg(*args, expect=1)
        assert "SECRETPW" not in result.stdout + result.stderr
        assert "password=***" in result.stderr and len(result.stderr.splitlines()) == 1
    monkeypatch.setenv("KEEPGOING_DB", "host = 127.0.0.1 dbname = x password = 'SECRET PW'")
    result = kg("people", expect=1)
    assert "SECRET PW" not in result.stderr and "Could not connect" in result.stderr
    assert sorted(tmp_path.iterdir()) == before  # no file named after the string
    personal = str(tmp_path / "personal.db")
    kg("--db", personal, "add", "Sam Okafor")
    copied = kg("--db", personal, "copy", "--to", string, "--dry-run", expect=1)
    assert "SECRETPW" not in copied.stdout + copied.stderr
    kg("--db", personal, "backup", str(tmp_path / "personal.db.bak"))
    restored = kg("--db", string, "restore", str(tmp_path / "personal.db.bak"), "--yes", expect=1)
    assert "SECRETPW" not in restored.stdout + restored.stderr
    (tmp_path / "personal.db.bak").unlink()
    assert not [p.name for p in tmp_path.iterdir() if "host" in p.name or "SECRET" in p.name]


@pytest.mark.postgresql_only("needs the server")
def test_a_connection_string_opens_a_team_store(kg, db_path, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # were it taken for a file name, the file would be made here
    tcp = tcp_parts()
    string = f"host={tcp['host']} port={tcp['port']} user={tcp['user']} dbname={database_of(str(db_path))}"
    kg("--db", string, "add", "Sam Okafor")
    assert [p["name"] for p in j(kg("people", "--json"))] == ["Sam Okafor"]  # the same store by URL
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgresql_only("a server's database")
def test_a_database_holding_another_applications_tables_is_refused(kg, postgres) -> None:
    url = postgres.create(migrated=False)
    admin(database_of(url), "CREATE TABLE invoices (id int)", "CREATE TABLE users (id int)")
    for args in (["people"], ["add", "Sam Okafor"], ["log", "sam", "--new", "--via", "phone"]):
        result = kg("--db", url, *args, expect=1)
        assert (
            "holds other tables (invoices, users)" in result.stderr
            and "not a keepgoing store" in result.stderr
        )
        assert len(result.stderr.splitlines()) == 1
    assert sorted(table_counts(url)) == ["invoices", "users"]  # nothing created beside them
    check = kg("--db", url, "check", expect=1)
    assert "holds other tables (invoices, users)" in check.stdout
    empty = postgres.create(migrated=False)
    assert "no schema version: an empty database" in kg("--db", empty, "check", expect=1).stdout
    kg("--db", empty, "add", "Sam Okafor")  # an empty database is still set up
    assert table_counts(empty)["person"] == 1
    postgres.drop(url)
    postgres.drop(empty)


@pytest.mark.postgresql_only("server locks")
def test_a_row_locked_elsewhere_makes_log_say_busy_not_wait(kg, db_path, monkeypatch) -> None:
    import psycopg

    from keepgoing.storage.server_url import conninfo

    kg("add", "Sam Okafor")
    before = fingerprint(db_path)
    monkeypatch.setenv("KEEPGOING_PG_LOCK_TIMEOUT", "1")
    with psycopg.connect(conninfo(str(db_path))) as other:
        # A colleague's open transaction; the server ends it after 6 s, so nothing waits forever.
        other.execute("SET idle_in_transaction_session_timeout = 6000")
        other.execute("SELECT * FROM person FOR UPDATE")
        started = time.monotonic()
        result = kg("log", "sam", "--via", "phone", "--note", "Waiting", expect=1)
        took = time.monotonic() - started
        assert "busy" in result.stderr and "Nothing was saved" in result.stderr
        assert len(result.stderr.splitlines()) == 1 and took < 8, took
        other.execute("LOCK TABLE person IN ACCESS EXCLUSIVE MODE")
        assert "busy" in kg("people", expect=1).stderr
        other.rollback()
    assert fingerprint(db_path) == before
    kg("log", "sam", "--via", "phone")  # free again
    monkeypatch.setenv("KEEPGOING_PG_LOCK_TIMEOUT", "soon")
    result = kg("people", expect=1)
    assert "KEEPGOING_PG_LOCK_TIMEOUT must be a number of seconds" in result.stderr


@pytest.mark.postgresql_only("server settings")
def test_every_team_connection_has_timeouts_and_no_jit(db_path, monkeypatch) -> None:
    from keepgoing.storage import open_store
    from keepgoing.storage.migrate import server_engine

    store = open_store(str(db_path))
    try:
        settings = {
            name: store.value(f"SHOW {name}") for name in ("lock_timeout", "statement_timeout", "jit")
        }
    finally:
        store.close()
    assert settings == {"lock_timeout": "10s", "statement_timeout": "1min", "jit": "off"}
    monkeypatch.setenv("PGOPTIONS", "-c application_name=theirs")
    engine = server_engine(str(db_path), "the store", statement_timeout=600)
    try:
        with engine.connect() as conn:
            from sqlalchemy import text

            assert conn.execute(text("SHOW statement_timeout")).scalar() == "10min"
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "10s"
            assert conn.execute(text("SHOW application_name")).scalar() == "theirs"  # their options kept
    finally:
        engine.dispose()


def _migrate_to(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from keepgoing.storage.migrate import SCRIPTS, server_engine

    engine = server_engine(url, "the store")
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", SCRIPTS)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


@pytest.mark.postgresql_only("table owners are a server's concern")
def test_only_the_tables_owner_is_told_to_upgrade(kg, postgres, monkeypatch) -> None:
    url = postgres.create(migrated=False)
    db = database_of(url)
    _migrate_to(url, REVISIONS[-2])
    role, password = f"kg_worker_{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    owner = tcp_parts()["user"]
    own_password = os.environ.get("PGPASSWORD", "")
    admin(
        db,
        f"CREATE ROLE {role} LOGIN PASSWORD '{password}'",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    )
    try:
        worker = url.replace(f"//{owner}@", f"//{role}@")
        monkeypatch.setenv("PGPASSWORD", password)
        check = kg("--db", worker, "check", expect=1)
        assert f"only the role that owns its tables ({owner}) can upgrade it" in check.stdout
        assert "any keepgoing command upgrades it" not in check.stdout
        result = kg("--db", worker, "people", expect=1)
        assert f"only the role that owns its tables ({owner}) can upgrade it" in result.stderr
        assert len(result.stderr.splitlines()) == 1
        for sql in ("ALTER", "LINE", "SELECT", "[SQL"):
            assert sql not in result.stderr, sql
        assert admin(db, "SELECT version_num FROM alembic_version") == [(REVISIONS[-2],)]
        # Setting a new store up needs CREATE in the schema, which a worker lacks: said plainly.
        empty = postgres.create(migrated=False)
        result = kg("--db", empty.replace(f"//{owner}@", f"//{role}@"), "people", expect=1)
        assert "Could not upgrade the store" in result.stderr and "permission denied" in result.stderr
        assert "LINE" not in result.stderr and "CREATE" not in result.stderr
        postgres.drop(empty)
        admin(db, f"REVOKE SELECT ON alembic_version FROM {role}")
        result = kg("--db", worker, "check", expect=1)
        assert "permission denied for table alembic_version" in result.stderr
        assert "not a keepgoing store" not in result.stdout + result.stderr
        monkeypatch.setenv("PGPASSWORD", own_password)
        assert "any keepgoing command upgrades it" in kg("--db", url, "check", expect=1).stdout
        kg("--db", url, "people")  # the owner upgrades it
        assert admin(db, "SELECT version_num FROM alembic_version") == [(HEAD,)]
    finally:
        admin(db, f"DROP OWNED BY {role}")
        postgres.drop(url)
        admin("postgres", f"DROP ROLE {role}")


def test_address_forms_are_told_from_paths(tmp_path) -> None:
    from keepgoing.storage import mask_url, on_server
    from keepgoing.storage.server_url import conninfo

    assert on_server("host=db dbname=team") and on_server("service=team")
    assert not on_server(str(tmp_path / "host=x.db")) and not on_server("notes.db")
    assert (
        conninfo("postgresql+psycopg:///team?host=/run/postgresql")
        == "postgresql:///team?host=/run/postgresql"
    )
    assert mask_url("postgresql:///team?host=/run/postgresql") == "postgresql:///team?host=/run/postgresql"
    assert mask_url("postgresql://u:a?b#c@h/x") == "postgresql://u:***@h/x"
    assert mask_url("postgresql://u:a/b@h/x?user=a@b") == "postgresql://u:***@h/x?user=a@b"
    assert mask_url("host=h password='a b' user=u") == "host=h password=*** user=u"
    assert Path(tmp_path).exists()


_PASSWORD_CHARS = "".join(chr(c) for c in range(33, 127) if chr(c) not in "@/")


@pytest.mark.sqlite_only("no server is reached: libpq refuses the address or the port")
@pytest.mark.parametrize(
    "address",
    [
        "postgresql://u:000%80@127.0.0.1:1/x",
        "postgresql://u@127.0.0.1:1/x?password=000%80",
        "postgresql://u%FF@h/x",
    ],
)
def test_an_escape_that_is_not_utf8_is_one_line_without_the_password(kg, address: str) -> None:
    """libpq decodes %80 to a byte that is not text, which the driver cannot read back."""
    result = kg("--db", address, "due", expect=1)
    assert "not UTF-8 text" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "000" not in result.stderr and "internal problem" not in result.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    password=st.text(_PASSWORD_CHARS, min_size=6, max_size=20),
    where=st.sampled_from(["user", "query", "keyword"]),
)
def test_no_password_is_ever_shown_whatever_it_holds(kg, password: str, where: str) -> None:
    address = {
        "user": f"postgresql://u:{password}@127.0.0.1:1/x",
        "query": f"postgresql://u@127.0.0.1:1/x?password={password}",
        "keyword": "host=127.0.0.1 port=1 dbname=x password='{}'".format(
            password.replace("\\", "\\\\").replace("'", "\\'")
        ),
    }[where]
    result = kg("--db", address, "due", expect=None)
    assert result.exit_code in (1, 2) and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert password not in result.stdout + result.stderr
    assert "internal problem" not in result.stderr
