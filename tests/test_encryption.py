"""Encrypted at rest (issue 23): encrypt, decrypt, rekey, the remembered key, backups and exports.

Every test here works on a real SQLCipher file through the real command line.
Each derivation of a key from a passphrase costs SQLCipher's own 256,000
rounds (about a quarter of a second): the tests keep the number of them small
rather than lower the cost.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import table_counts

pytestmark = pytest.mark.sqlite_only("encryption at rest is for the local store file")

HEAVY = bool(os.environ.get("KEEPGOING_HEAVY_TESTS"))
PASS = "correct horse battery staple"

# Things about people that must never be readable in an encrypted store's files.
PLANTED = {
    "name": "Zephyrine Quackenbush",
    "alias": "Zeffy",
    "email": "zephyrine.q@example.org",
    "phone": "07700900461",
    "note": "talked about her tenancy appeal at the Marigold Road office",
}


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KEEPGOING_PASSPHRASE", PASS)
    monkeypatch.delenv("KEEPGOING_NEW_PASSPHRASE", raising=False)
    # A keyring of the test's own, in a file (keyrings.alt), never the machine's.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    own = PlaintextKeyring()
    own.file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(own)
    yield
    keyring.set_keyring(previous)


def keepgoing() -> list[str]:
    found = shutil.which("keepgoing", path=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    assert found
    return [found]


def run(*args: str, env: dict[str, str] | None = None, **extra: str | None) -> subprocess.CompletedProcess:
    environment = dict(os.environ if env is None else env)
    for name, value in extra.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return subprocess.run(
        [*keepgoing(), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    """The single line of a refusal: exit 1, no traceback, never SQLite's "not a database"."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "not a database" not in result.stderr
    return lines[0]


def plant(kg) -> None:
    kg("add", PLANTED["name"], "--email", PLANTED["email"], "--phone", PLANTED["phone"])
    kg("edit", "zephyrine", "--alias", PLANTED["alias"])
    kg("log", "zephyrine", "--note", PLANTED["note"])


def plaintext_in(path: Path) -> list[str]:
    data = path.read_bytes()
    return [what for what, text in PLANTED.items() if text.encode() in data]


def encrypt_remembered(kg, monkeypatch: pytest.MonkeyPatch) -> None:
    """Encrypt with the key remembered, as most people will: the commands after it derive no key."""
    kg("encrypt", "--remember")
    monkeypatch.delenv("KEEPGOING_PASSPHRASE")


def encrypted_header(path: Path) -> bool:
    return path.read_bytes()[:16] != b"SQLite format 3\x00"


def test_encrypt_then_everyday_commands_use_the_passphrase_and_the_file_is_sqlcipher_4(kg, isolated) -> None:
    plant(kg)
    kg("encrypt")
    assert encrypted_header(isolated)
    assert isolated.stat().st_mode & 0o777 == 0o600
    shown = kg("show", "zephyrine", "--json")
    assert json.loads(shown.stdout)["name"] == PLANTED["name"]
    assert PLANTED["name"] in kg("search", "tenancy").stdout  # the full-text index came across
    kg("log", "zephyrine", "--note", "second chat")
    # A stock SQLCipher 4 opens it with the passphrase itself: the key is SQLCipher's own derivation.
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(isolated))
    conn.execute(f"PRAGMA key = '{PASS}'")
    assert conn.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    assert conn.execute("SELECT count(*) FROM conversation").fetchone()[0] == 2
    conn.close()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(isolated).execute("SELECT count(*) FROM person").fetchone()
    result = kg("encrypt", expect=1)
    assert "already encrypted" in result.stderr


def test_a_wrong_or_missing_passphrase_is_one_line_and_exit_1(kg, isolated) -> None:
    kg("add", "Sam Okafor")
    kg("encrypt")
    line = one_line(run("due", KEEPGOING_PASSPHRASE="not it"))
    assert "KEEPGOING_PASSPHRASE does not open" in line
    # Off a terminal with no passphrase and nothing remembered: one line saying what to do.
    line = one_line(run("show", "sam", KEEPGOING_PASSPHRASE=None))
    assert "is encrypted" in line and "KEEPGOING_PASSPHRASE" in line
    for args in (["backup"], ["check"], ["export", "--format", "csv"], ["decrypt"], ["rekey"]):
        one_line(run(*args, KEEPGOING_PASSPHRASE="not it"))
    assert encrypted_header(isolated)


def test_remember_keeps_the_derived_key_in_the_keyring_and_commands_ask_nothing(
    kg, isolated, tmp_path
) -> None:
    kg("add", "Sam Okafor")
    result = kg("encrypt", "--remember")
    assert "remembered" in result.stdout
    kept = (tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg").read_text()
    assert PASS not in kept  # the derived key, never the passphrase
    import keyring

    from keepgoing.storage.encryption import KEYRING_SERVICE, derive
    from keepgoing.storage.local_file import salt_of

    salt = salt_of(isolated)
    assert keyring.get_password(KEYRING_SERVICE, salt.hex()) == derive(PASS, salt).hex()
    # A new process with no passphrase anywhere opens it with the remembered key.
    result = run("due", "--json", KEEPGOING_PASSPHRASE=None)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["people"] == []
    kg("decrypt")
    assert keyring.get_password(KEYRING_SERVICE, salt.hex()) is None  # decrypting forgets it
    # With no keyring on the computer, --remember refuses before anything changes.
    result = run("encrypt", "--remember", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert "no keyring" in one_line(result) and not encrypted_header(isolated)


def test_decrypt_and_rekey_each_give_a_whole_store(kg, isolated, monkeypatch) -> None:
    plant(kg)
    before = table_counts(isolated)
    encrypt_remembered(kg, monkeypatch)
    monkeypatch.setenv("KEEPGOING_NEW_PASSPHRASE", "a new one")
    result = kg("rekey")
    assert "new passphrase" in result.stdout and "keyring now remembers the new key" in result.stdout
    assert "does not open" in one_line(run("due", KEEPGOING_PASSPHRASE=PASS))  # the old one no longer does
    assert run("due", KEEPGOING_PASSPHRASE="a new one").returncode == 0
    monkeypatch.setenv("KEEPGOING_NEW_PASSPHRASE", "")
    assert "empty" in kg("rekey", expect=1).stderr
    kg("decrypt")
    assert not encrypted_header(isolated)
    assert table_counts(isolated) == before
    assert isolated.stat().st_mode & 0o777 == 0o600
    assert "not encrypted" in kg("decrypt", expect=1).stderr
    assert "not encrypted" in kg("rekey", expect=1).stderr
    assert kg("show", "zeffy").stdout.count(PLANTED["note"]) == 1


@pytest.mark.usefixtures("isolated")
def test_backup_of_an_encrypted_store_is_encrypted_and_restore_and_check_read_it(kg, monkeypatch) -> None:
    plant(kg)
    encrypt_remembered(kg, monkeypatch)
    made = Path(kg("backup").stdout.split("Backed up to ", 1)[1].strip().rstrip("."))
    assert encrypted_header(made) and made.stat().st_mode & 0o777 == 0o600
    assert plaintext_in(made) == []
    kg("unlog", "1", "--yes")
    assert kg("check").exit_code == 0
    kg("restore", str(made), "--yes")
    assert PLANTED["note"] in kg("show", "zephyrine").stdout
    # A wrong passphrase is one line, even with the key remembered.
    assert "does not open" in one_line(run("restore", str(made), "--yes", KEEPGOING_PASSPHRASE="not it"))
    # A plain store will not silently take an encrypted backup (whose key decrypt forgot).
    kg("decrypt")
    assert "is encrypted" in kg("check", "--db", str(made), expect=1).stderr
    monkeypatch.setenv("KEEPGOING_PASSPHRASE", PASS)
    assert kg("check", "--db", str(made)).exit_code == 0
    assert "is encrypted and the store" in kg("restore", str(made), "--yes", expect=1).stderr


def test_no_plaintext_in_the_database_its_wal_and_journal_or_a_backup(
    kg, isolated, tmp_path, monkeypatch
) -> None:
    plant(kg)
    encrypt_remembered(kg, monkeypatch)
    from keepgoing.storage.encryption import connect

    # A reader held open keeps the write-ahead log in place while more is written.
    reader = connect(isolated)
    reader.execute("SELECT count(*) FROM person").fetchone()
    kg("log", "zephyrine", "--note", PLANTED["note"] + " again")
    kg("edit", "zephyrine", "--email", "zq2@example.org", "--phone", PLANTED["phone"])
    wal = Path(f"{isolated}-wal")
    assert wal.stat().st_size > 0
    assert plaintext_in(isolated) == [] and plaintext_in(wal) == []
    reader.close()
    # A rollback journal: a copy written in DELETE mode, with a change left uncommitted.
    copy = tmp_path / "copy.db"
    kg("backup", str(copy))
    writer = connect(copy, isolation_level=None)
    writer.execute("PRAGMA cache_size = 1")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE conversation SET note = note || ' changed'")
    writer.execute("UPDATE person SET email = 'x'")
    journal = Path(f"{copy}-journal")
    assert journal.stat().st_size > 0
    assert plaintext_in(journal) == [] and plaintext_in(copy) == []
    writer.execute("ROLLBACK")
    writer.close()
    backups = list((isolated.parent / "backups").glob("*.db"))
    kg("backup")
    for made in (isolated.parent / "backups").glob("*.db"):
        assert plaintext_in(made) == [], made
    assert len(list((isolated.parent / "backups").glob("*.db"))) == len(backups) + 1


@pytest.mark.usefixtures("isolated")
def test_export_warns_once_and_export_encrypt_round_trips_through_import(kg, tmp_path, monkeypatch) -> None:
    plant(kg)
    encrypt_remembered(kg, monkeypatch)
    plain = tmp_path / "plain.json"
    result = kg("export", "--output", str(plain))
    assert result.stderr.count("is not (add --encrypt") == 1
    assert "not encrypted" not in kg("export", "--format", "csv").stderr  # to the screen: no file
    sealed = tmp_path / "sealed.json"
    assert (
        "Type the new passphrase at a terminal"
        in kg("export", "-o", str(sealed), "--encrypt", expect=1).stderr
    )
    monkeypatch.setenv("KEEPGOING_PASSPHRASE", PASS)  # the store's passphrase, for the export too
    result = kg("export", "--output", str(sealed), "--encrypt")
    assert "add --encrypt" not in result.stderr
    assert sealed.read_bytes().startswith(b"keepgoing-encrypted-export 1\n")
    assert plaintext_in(sealed) == [] and sealed.stat().st_mode & 0o777 == 0o600
    assert "give --output" in kg("export", "--encrypt", expect=2).stderr
    other = tmp_path / "other.db"
    line = one_line(run("import", str(sealed), "--db", str(other), KEEPGOING_PASSPHRASE="not it"))
    assert "does not open" in line
    line = one_line(run("import", str(sealed), "--db", str(other), KEEPGOING_PASSPHRASE=None))
    assert "encrypted export" in line
    result = run("import", str(sealed), "--db", str(other), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["people_added"] == [PLANTED["name"]] and report["file"] == str(sealed)
    assert report["conversations_added"] == 1
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(sealed.read_bytes()[:-20])
    one_line(run("import", str(damaged), "--db", str(other)))


@pytest.mark.usefixtures("isolated")
def test_without_the_extra_an_encrypted_store_says_which_package_to_install(kg) -> None:
    kg("add", "Sam Okafor")
    kg("encrypt")
    code = (
        "import sys; sys.modules['sqlcipher3'] = None; sys.argv = ['keepgoing', 'due']; "
        "from keepgoing.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    line = one_line(result)
    assert "pip install 'keepgoing[encryption]'" in line


def test_the_passphrase_is_asked_at_a_terminal_without_echo(kg, isolated, monkeypatch) -> None:
    """The terminal question goes through getpass (cli/prompts.py), never input()."""
    kg("add", "Sam Okafor")
    kg("encrypt")
    monkeypatch.delenv("KEEPGOING_PASSPHRASE")
    asked: list[str] = []

    def typed(question: str) -> str:
        asked.append(question)
        return PASS if len(asked) == 1 else "wrong"

    monkeypatch.setattr("getpass.getpass", typed)
    monkeypatch.setattr("keepgoing.cli.prompts.can_ask", lambda: True)
    assert kg("due").exit_code == 0
    assert asked == [f"Passphrase for {isolated}: "]
    result = kg("due", expect=1)
    assert "That passphrase does not open" in result.stderr


def test_a_store_on_a_database_server_refuses_encrypt_decrypt_and_rekey() -> None:
    for change in ("encrypt", "decrypt", "rekey"):
        line = one_line(run(change, "--db", "postgresql://nobody@127.0.0.1:1/none"))
        assert "for a local store file" in line


def _sized_store(isolated: Path) -> None:
    """A store with enough in it that rewriting it takes a moment (benchmarks/seed.py's people)."""
    import importlib.util

    where = Path(__file__).parent.parent / "benchmarks" / "seed.py"
    spec = importlib.util.spec_from_file_location("benchmark_seed", where)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.seed(isolated, 300, 20_000 if HEAVY else 2_000)


@pytest.mark.usefixtures("kg")
def test_kill_9_during_encrypt_rekey_or_decrypt_leaves_the_old_or_the_new_store(isolated, tmp_path) -> None:
    _sized_store(isolated)
    expected = table_counts_any(isolated, [])
    rounds = 25 if HEAVY else 2
    new_env = {"KEEPGOING_NEW_PASSPHRASE": "the new one"}
    template = tmp_path / "template.db"
    shutil.copy(isolated, template)
    for change, before, after in (
        ("encrypt", [], [PASS]),
        ("rekey", [PASS], ["the new one"]),
        ("decrypt", [PASS], []),
    ):
        timing = tmp_path / f"{change}-timing.db"
        shutil.copy(template, timing)
        started = time.monotonic()
        result = run(change, "--db", str(timing), **new_env)
        assert result.returncode == 0, result.stderr
        duration = time.monotonic() - started
        if change == "encrypt":
            shutil.copy(timing, template)  # the encrypted store, for rekey and decrypt
        for number in range(rounds):
            db = tmp_path / f"{change}{number}.db"
            shutil.copy(template, db)
            proc = subprocess.Popen(
                [*keepgoing(), change, "--db", str(db)],
                env=dict(os.environ, **new_env),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            time.sleep(duration * (number + 0.5) / rounds)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            # The old store or the new one, whole; never neither.
            assert table_counts_any(db, before + after) == expected, (change, number)


_keys: dict[tuple[str, bytes], bytes] = {}


def table_counts_any(db: Path, passphrases: list[str]) -> dict[str, int]:
    """Rows in every table of a plain store, or of an encrypted one under one of `passphrases`."""
    if db.read_bytes()[:16] == b"SQLite format 3\x00":
        conn = sqlite3.connect(db)
    else:
        from sqlcipher3 import dbapi2

        from keepgoing.storage.encryption import derive, key_pragma
        from keepgoing.storage.local_file import salt_of

        salt = salt_of(db)
        for passphrase in passphrases:
            if (passphrase, salt) not in _keys:
                _keys[passphrase, salt] = derive(passphrase, salt)
            key = _keys[passphrase, salt]
            conn = dbapi2.connect(str(db))
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(key_pragma(key, salt))
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except dbapi2.DatabaseError:
                conn.close()
        else:
            raise AssertionError(f"{db} opens with none of the passphrases")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        conn.close()


def test_an_encrypted_store_from_an_older_keepgoing_is_upgraded_with_an_encrypted_copy_first(
    tmp_path,
) -> None:
    """A schema migration runs through SQLCipher too, after an encrypted backup of the old store."""
    from sqlcipher3 import dbapi2

    old = Path(__file__).parent / "fixtures" / "schema" / "0005_corrections.db"
    db = tmp_path / "old.db"
    source = dbapi2.connect(str(old))
    source.execute(f"ATTACH DATABASE '{db}' AS enc KEY '{PASS}'")
    source.execute("SELECT sqlcipher_export('enc')")
    source.execute("DETACH DATABASE enc")
    source.close()
    result = run("people", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert encrypted_header(db)
    from keepgoing.storage.revisions import HEAD

    assert table_counts_any(db, [PASS])["alembic_version"] == 1
    conn = dbapi2.connect(str(db))
    conn.execute(f"PRAGMA key = '{PASS}'")
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == HEAD
    conn.close()
    (kept,) = (tmp_path / "backups").glob("*-before-*.db")
    assert encrypted_header(kept) and plaintext_in(kept) == []


# Run the command line in a fresh process, then say which modules it loaded (on stderr, last line).
LOADED = """
import atexit, json, sys
def loaded():
    core = sys.modules.get("keyring.core")
    print(json.dumps({
        "modules": sorted(sys.modules),
        "urllib_request": type(sys.modules.get("urllib.request")).__name__,
        "keyring_chose": core is not None and core._keyring_backend is not None,
    }), file=sys.stderr)
atexit.register(loaded)
from keepgoing.cli import main
sys.argv = ["keepgoing", *sys.argv[1:]]
main()
"""


def test_everyday_commands_read_the_key_from_the_recorded_keyring_backend_without_keyrings_search(
    isolated, tmp_path
) -> None:
    # The keyring chosen as a user's is, by keyring's own config file, with no $PYTHON_KEYRING_BACKEND.
    config = tmp_path / "config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text("[backend]\ndefault-keyring = keyrings.alt.file.PlaintextKeyring\n")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("PYTHON_KEYRING_BACKEND")
    assert run("add", "Sam Okafor", env=env).returncode == 0
    assert run("encrypt", "--remember", env=env).returncode == 0
    from keepgoing.storage.encryption import backends_file, derive
    from keepgoing.storage.local_file import salt_of

    salt = salt_of(isolated)
    record = backends_file()
    assert record.parent == tmp_path / "xdg" / "keepgoing" and stat.S_IMODE(record.stat().st_mode) == 0o600
    assert json.loads(record.read_text()) == {salt.hex(): "keyrings.alt.file.PlaintextKeyring"}
    assert derive(PASS, salt).hex() not in record.read_text()  # names of classes only, no key
    env.pop("KEEPGOING_PASSPHRASE")

    def loaded() -> dict:
        done = subprocess.run(
            [sys.executable, "-c", LOADED, "show", "sam", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Sam Okafor" in done.stdout
        return json.loads(done.stderr.strip().splitlines()[-1])

    fast = loaded()
    assert "keyrings.alt.file" in fast["modules"] and not fast["keyring_chose"]
    # keyring's search imports every backend it knows and reads the installed packages' entry points.
    assert not {
        "keyring.backends.SecretService",
        "keyring.backends.chainer",
        "keyring.backends.kwallet",
    } & set(fast["modules"])
    assert fast["urllib_request"] == "_ImportedOnFirstUse" and "http.client" not in fast["modules"]
    # A record naming a backend that is not there: keyring's own choice, and the key still found.
    record.write_text(json.dumps({salt.hex(): "nowhere.Keyring"}))
    assert loaded()["keyring_chose"]
    # decrypt forgets the key and its record.
    env["KEEPGOING_PASSPHRASE"] = PASS
    record.write_text(json.dumps({salt.hex(): "keyrings.alt.file.PlaintextKeyring"}))
    assert run("decrypt", env=env).returncode == 0
    assert json.loads(record.read_text()) == {}


def test_a_stand_in_module_imports_the_real_one_at_first_use() -> None:
    code = (
        "import sys\n"
        "from keepgoing.storage.encryption import _defer_unused_imports\n"
        "_defer_unused_imports()\n"
        "import urllib.request\n"
        "assert 'http.client' not in sys.modules\n"
        "from urllib.request import Request\n"
        "assert Request('http://example.org').host == 'example.org'\n"
        "assert type(sys.modules['urllib.request']).__name__ == 'module'\n"
        "import importlib_metadata\n"
        "assert importlib_metadata.version('keyring')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
