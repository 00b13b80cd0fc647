"""A local store encrypted at rest, with SQLCipher 4 (the optional `encryption` extra).

An encrypted store is a SQLCipher 4 file with SQLCipher's default settings.
Its first 16 bytes are SQLCipher's random salt (the rest is ciphertext, so a
file whose first bytes are not "SQLite format 3" is taken for an encrypted
store). The key is derived from the passphrase here, exactly as SQLCipher
derives it (PBKDF2-HMAC-SHA512, 256,000 rounds, that salt), and handed to
SQLCipher as a raw key (`x'key salt'`): the file therefore opens in any
SQLCipher 4 tool with the passphrase, and a key remembered in the
operating system's keyring (the derived key, never the passphrase; filed
under the salt) opens it with no key derivation at all.

Where the key comes from, in order: `$KEEPGOING_PASSPHRASE` (a script's,
which never touches the keyring when it opens the store); the keyring; a
question on the terminal (the CLI sets `ask_passphrase`). Off a terminal
with none of them, one line says what to do.

Reading a remembered key is cheap: `encrypt --remember` (and `rekey`) note which
keyring backend class holds the key, by salt, in `keyring-backends.json` in the
user's data folder (class names only, nothing secret), and everyday commands
import that backend directly rather than let keyring search every installed
backend; keyring's own choice is the fallback when the record is missing or
wrong. `$PYTHON_KEYRING_BACKEND`, when set, is taken first, as keyring takes it.

Backups of an encrypted store share its salt and key, so the remembered key
opens them too; `rekey` and `encrypt` give a new file a new salt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from keepgoing import messages
from keepgoing.errors import BadInput, StoreError

PLAIN_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
# SQLCipher 4's own defaults: a key derived here is the one SQLCipher derives from the passphrase.
KDF_ROUNDS = 256_000
PAGE = 4096  # SQLCipher 4's page size: an encrypted file is a whole number of pages
KEYRING_SERVICE = "keepgoing"
CACHE_KIB = 65_536  # an encrypted store's page cache: at most 64 MB of decrypted pages
PASSPHRASE_VARIABLE = "KEEPGOING_PASSPHRASE"
NEW_PASSPHRASE_VARIABLE = "KEEPGOING_NEW_PASSPHRASE"
PACKAGE = "pip install 'keepgoing[encryption]'"

# Set by the command line: asks for a passphrase without echoing it; None off a terminal.
ask_passphrase: Callable[[str], str] | None = None

# Keys already found in this process, by salt: one prompt or derivation per file per run.
_known: dict[bytes, bytes] = {}


def forget_keys() -> None:
    """Drop the keys found so far in this process."""
    _known.clear()


def driver() -> Any:
    """The SQLCipher module (sqlcipher3's dbapi2); a clear line when the extra is missing."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StoreError(messages.ENCRYPTION_MISSING.format(package=PACKAGE)) from None
    return dbapi2


def db_errors(*also: type[Exception]) -> tuple[type[Exception], ...]:
    """Every database error class a local store can raise (stdlib sqlite3's and SQLCipher's), and `also`.

    Meant for `except db_errors():`, evaluated only when something went wrong.
    """
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return (sqlite3.Error, *also)
    return (sqlite3.Error, dbapi2.Error, *also)


# A handle on each store file this process has looked at, by (device, inode), kept open.
# Closing any handle to a file drops every lock this process holds on it, an open SQLite
# connection's included (POSIX locks are per process): looking with open-and-close let two
# processes write at once and lose conversations. A handle kept open also keeps its inode
# from being reused by another file while this process runs.
_HANDLES: dict[tuple[int, int], int] = {}


def _first_bytes(path: Path | str, count: int) -> tuple[bytes, int]:
    """The file's first `count` bytes and its size, through the handle this process keeps on it."""
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    fd = _HANDLES.get(key)
    if fd is None:
        if len(_HANDLES) > 200:  # a long test run: let go of files since deleted
            for old, handle in list(_HANDLES.items()):
                if os.fstat(handle).st_nlink == 0:
                    os.close(handle)
                    del _HANDLES[old]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        _HANDLES[key] = fd
    return os.pread(fd, count, 0), os.fstat(fd).st_size


def is_encrypted(path: Path | str) -> bool:
    """Whether the file is an encrypted store: whole pages that do not start with SQLite's header."""
    try:
        head, size = _first_bytes(path, len(PLAIN_HEADER))
    except OSError:
        return False
    return size >= PAGE and size % PAGE == 0 and head != PLAIN_HEADER


def salt_of(path: Path | str) -> bytes:
    return _first_bytes(path, SALT_BYTES)[0]


def derive(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation, done here so that the derived key can be remembered."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_BYTES)


def key_pragma(key: bytes, salt: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\""


# Modules that keyring imports when it starts but never uses to read or write a password:
# jaraco.context's urllib.request (with http.client, email and ssl) and the entry-point reader
# that only keyring's search of every installed backend needs. Each is given a stand-in that
# imports the real module the first time anything in it is used, which on an everyday command
# is never: about 25 ms of a 115 ms `log`.
_UNUSED_BY_KEYRING = ("urllib.request", "importlib_metadata", "importlib.metadata")
BACKENDS_FILE = "keyring-backends.json"


class _ImportedOnFirstUse(types.ModuleType):
    """Stands in sys.modules for a module not yet imported; the first use of a name in it imports it.

    Unlike importlib's LazyLoader, an `import` statement of it (which reads `__spec__`) does not
    count as a use."""

    def __getattr__(self, attribute: str) -> Any:
        import importlib

        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, real)
        self.__dict__.update(real.__dict__)
        return getattr(real, attribute)


def _defer_unused_imports() -> None:
    import importlib.util

    for name in _UNUSED_BY_KEYRING:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        stand_in = _ImportedOnFirstUse(name)
        stand_in.__spec__ = spec
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, stand_in)


def _keyring() -> Any:
    _defer_unused_imports()
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def backends_file() -> Path:
    """Which keyring backend holds each remembered key, by salt: names of classes, nothing secret."""
    import platformdirs

    return Path(platformdirs.user_data_dir("keepgoing", appauthor=False)) / BACKENDS_FILE


def _recorded_backends() -> dict[str, str]:
    try:
        found = json.loads(backends_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {salt: name for salt, name in found.items() if isinstance(salt, str) and isinstance(name, str)}


def _record_backend(salt: bytes, name: str | None) -> None:
    """Note (or, with None, drop) the keyring backend that holds the key for this salt."""
    backends = _recorded_backends()
    if name is None and salt.hex() not in backends:
        return
    if name is None:
        del backends[salt.hex()]
    else:
        backends[salt.hex()] = name
    target = backends_file()
    with contextlib.suppress(OSError):  # only speed depends on it: without it the keyring is searched
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        from keepgoing.locations import private_replacement

        with private_replacement(target, suffix=".json") as temp:
            temp.write_text(json.dumps(backends, indent=1, sort_keys=True), encoding="utf-8")


def _backend_named(name: str) -> Any:
    """An instance of the keyring backend class `name` (module.Class), imported directly; None if unusable."""
    import importlib

    module_name, _, class_name = name.rpartition(".")
    if not module_name:
        return None
    _defer_unused_imports()
    try:
        found = getattr(importlib.import_module(module_name), class_name, None)
        from keyring.backend import KeyringBackend

        if not (isinstance(found, type) and issubclass(found, KeyringBackend)) or found.priority <= 0:
            return None
        return found()
    except Exception:  # not installed, not viable here (keyring raises RuntimeError): the full search
        return None


def _direct_backend(salt: bytes) -> tuple[Any, bool]:
    """The keyring backend to ask first, without keyring's search of every installed backend, and
    whether its answer is final: the one $PYTHON_KEYRING_BACKEND names (as keyring itself would
    take), else the one `encrypt --remember` found holding this salt's key. (None, False) when the
    process has already loaded keyring (its choice stands) or nothing is known."""
    if "keyring.core" in sys.modules:
        return None, False
    named = os.environ.get("PYTHON_KEYRING_BACKEND")
    backend = _backend_named(named or _recorded_backends().get(salt.hex(), ""))
    return backend, backend is not None and bool(named)


def _password(backend: Any, salt: bytes) -> bytes | None:
    try:
        found = backend.get_password(KEYRING_SERVICE, salt.hex())
        return bytes.fromhex(found) if found else None
    except Exception:  # no keyring backend, a locked keyring, a mangled entry: as if none
        return None


def remembered(salt: bytes) -> bytes | None:
    """The derived key kept in the keyring for the file with this salt, if any."""
    backend, final = _direct_backend(salt)
    if backend is not None:
        found = _password(backend, salt)
        if found is not None or final:
            return found
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    return _password(backend, salt)


def keyring_ready() -> None:
    """Refuse, before anything changes, when there is no keyring to remember a key in."""
    keyring = _keyring()
    if keyring is None:
        raise BadInput(messages.KEYRING_MISSING.format(package=PACKAGE))
    try:
        backend = keyring.get_keyring()
        usable = getattr(backend, "priority", 0) > 0
    except Exception:
        usable = False
    if not usable:
        raise BadInput(messages.KEYRING_UNAVAILABLE)


def remember(salt: bytes, key: bytes) -> None:
    keyring = _keyring()
    if keyring is None:
        raise BadInput(messages.KEYRING_MISSING.format(package=PACKAGE))
    try:
        backend = keyring.get_keyring()
        backend.set_password(KEYRING_SERVICE, salt.hex(), key.hex())
    except Exception as exc:
        raise BadInput(messages.KEYRING_FAILED.format(problem=str(exc) or type(exc).__name__)) from None
    kind = type(backend)
    _record_backend(salt, f"{kind.__module__}.{kind.__qualname__}")


def remember_store_key(path: Path) -> None:
    """Keep the key of the encrypted file at `path` (found as any command finds it) in the keyring."""
    key, salt = key_for(path)
    remember(salt, key)


def forget_remembered(salt: bytes) -> bool:
    """Remove the keyring's key for this salt; whether there was one."""
    keyring = _keyring()
    if keyring is None or remembered(salt) is None:
        return False
    with contextlib.suppress(Exception):
        keyring.delete_password(KEYRING_SERVICE, salt.hex())
    _record_backend(salt, None)
    return True


def _opens(path: Path | str, key: bytes, salt: bytes) -> bool:
    connection = _raw_connect(path, key, salt, read_only=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except driver().DatabaseError as exc:
        if "not a database" in str(exc):  # what SQLCipher says of a wrong key
            return False
        raise  # busy, unreadable: the caller's message for it
    finally:
        connection.close()


def _raw_connect(
    path: Path | str, key: bytes, salt: bytes, *, read_only: bool = False, **options: Any
) -> Any:
    from keepgoing.storage.store import read_only_address

    dbapi2 = driver()
    if read_only:
        connection = dbapi2.connect(read_only_address(path), uri=True, **options)
    else:
        connection = dbapi2.connect(str(path), **options)
    connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our one line, not SQLCipher's log
    connection.execute(key_pragma(key, salt))
    return connection


def passphrase_from_terminal(question: str) -> str | None:
    if ask_passphrase is None:
        return None
    return ask_passphrase(question)


def key_for(path: Path | str) -> tuple[bytes, bytes]:
    """(key, salt) that open the encrypted file at `path`: from the environment, the keyring or the terminal."""
    driver()
    salt = salt_of(path)
    if salt in _known:
        return _known[salt], salt
    given = os.environ.get(PASSPHRASE_VARIABLE)
    if given:
        key = derive(given, salt)
        if not _opens(path, key, salt):
            raise BadInput(messages.WRONG_PASSPHRASE_VARIABLE.format(path=path, variable=PASSPHRASE_VARIABLE))
        _known[salt] = key
        return key, salt
    kept = remembered(salt)
    if kept is not None and _opens(path, kept, salt):
        _known[salt] = kept
        return kept, salt
    typed = passphrase_from_terminal(messages.PASSPHRASE_QUESTION.format(path=path))
    if typed is None:
        raise BadInput(messages.PASSPHRASE_NEEDED.format(path=path, variable=PASSPHRASE_VARIABLE))
    key = derive(typed, salt)
    if not _opens(path, key, salt):
        raise BadInput(messages.WRONG_PASSPHRASE.format(path=path))
    _known[salt] = key
    return key, salt


def connect(path: Path | str, *, read_only: bool = False, **options: Any) -> Any:
    """A SQLCipher connection to the encrypted file at `path`, its key already given."""
    key, salt = key_for(path)
    return _raw_connect(path, key, salt, read_only=read_only, **options)


def connect_like(source: Path | str, target: Path | str, **options: Any) -> Any:
    """A connection to a new file `target` encrypted under the key and salt of `source` (a backup)."""
    key, salt = key_for(source)
    return _raw_connect(target, key, salt, **options)


def open_file(path: Path | str, **options: Any) -> Any:
    """A read-only connection to a local store file, encrypted or not."""
    from keepgoing.storage.store import read_only_address

    if is_encrypted(path):
        return connect(path, read_only=True, **options)
    return sqlite3.connect(read_only_address(path), uri=True, **options)


def new_passphrase(variable: str, question: str) -> str:
    """A new passphrase: from `variable`, or typed twice at the terminal."""
    given = os.environ.get(variable)
    if given is not None:
        if not given:
            raise BadInput(messages.PASSPHRASE_EMPTY)
        return given
    if ask_passphrase is None:
        raise BadInput(messages.NEW_PASSPHRASE_NEEDED.format(variable=variable))
    first = ask_passphrase(question)
    if not first:
        raise BadInput(messages.PASSPHRASE_EMPTY)
    if ask_passphrase(messages.PASSPHRASE_AGAIN) != first:
        raise BadInput(messages.PASSPHRASES_DIFFER)
    return first


# --- encrypt, decrypt, rekey: a new file written beside the store, renamed into place --------------


def _hold(path: Path, connection: Any) -> None:
    """Hold the store for the change, until `connection` closes: its write-ahead log folded in and
    removed (no old -wal file is left beside the new store), and an exclusive lock taken and kept,
    so that nothing is written to the old file between the copy and the rename."""
    try:
        if connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "delete":
            raise StoreError(messages.STORE_BUSY_FOR_KEY.format(path=path))
        connection.execute("PRAGMA main.locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")  # in exclusive locking mode the lock stays until the connection closes
    except db_errors() as exc:
        raise StoreError(messages.STORE_BUSY_FOR_KEY.format(path=path)) from exc


def _rewrite(path: Path, source: Any, target_key: str, *, finish: Callable[[Path], None]) -> None:
    """Copy the open store `source` into a new file under `target_key` (a KEY clause), checked, and
    put it in the store's place: the store is the old file until the rename, the new one after it."""
    from keepgoing.storage import private_replacement

    try:
        _hold(path, source)
        with private_replacement(path, suffix=".rekey") as temp:
            source.execute(f"ATTACH DATABASE '{_quoted(temp)}' AS rewritten KEY {target_key}")
            source.execute("SELECT sqlcipher_export('rewritten')")
            version = source.execute("PRAGMA main.user_version").fetchone()[0]
            source.execute(f"PRAGMA rewritten.user_version = {int(version)}")
            source.execute("DETACH DATABASE rewritten")
            finish(temp)
    finally:
        source.close()


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _check_plain_copy(temp: Path) -> None:
    connection = sqlite3.connect(temp, isolation_level=None)
    try:
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StoreError(messages.REWRITE_FAILED)
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def _check_encrypted_copy(key: bytes, salt: bytes) -> Callable[[Path], None]:
    def check(temp: Path) -> None:
        connection = _raw_connect(temp, key, salt, isolation_level=None)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(messages.REWRITE_FAILED)
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()

    return check


def encrypt_store(path: Path, passphrase: str, *, remember_key: bool) -> None:
    """Turn the plain store at `path` into an encrypted one under `passphrase`."""
    dbapi2 = driver()
    if is_encrypted(path):
        raise BadInput(messages.ALREADY_ENCRYPTED.format(path=path))
    if remember_key:
        keyring_ready()
    salt = os.urandom(SALT_BYTES)
    key = derive(passphrase, salt)
    try:
        source = dbapi2.connect(str(path), isolation_level=None, timeout=10)
        source.execute("PRAGMA busy_timeout = 10000")
        _rewrite(path, source, f"\"x'{key.hex()}{salt.hex()}'\"", finish=_check_encrypted_copy(key, salt))
    except db_errors() as exc:
        raise StoreError(messages.REWRITE_FAILED_BECAUSE.format(problem=exc)) from None
    _known[salt] = key
    if remember_key:
        try:
            remember(salt, key)
        except BadInput as exc:
            raise BadInput(messages.ENCRYPTED_NOT_REMEMBERED.format(path=path, problem=exc)) from None


def decrypt_store(path: Path) -> bool:
    """Turn the encrypted store at `path` back into a plain SQLite file; whether a remembered key was removed."""
    if not is_encrypted(path):
        raise BadInput(messages.NOT_ENCRYPTED.format(path=path))
    _, salt = key_for(path)
    try:
        source = connect(path, isolation_level=None, timeout=10)
        source.execute("PRAGMA busy_timeout = 10000")
        _rewrite(path, source, "''", finish=_check_plain_copy)
    except db_errors() as exc:
        raise StoreError(messages.REWRITE_FAILED_BECAUSE.format(problem=exc)) from None
    return forget_remembered(salt)


def rekey_store(path: Path, passphrase: str) -> bool:
    """Encrypt the store under a new passphrase (and a new salt); whether the keyring now holds the new key."""
    if not is_encrypted(path):
        raise BadInput(messages.NOT_ENCRYPTED.format(path=path))
    _, old_salt = key_for(path)
    salt = os.urandom(SALT_BYTES)
    key = derive(passphrase, salt)
    try:
        source = connect(path, isolation_level=None, timeout=10)
        source.execute("PRAGMA busy_timeout = 10000")
        _rewrite(path, source, f"\"x'{key.hex()}{salt.hex()}'\"", finish=_check_encrypted_copy(key, salt))
    except db_errors() as exc:
        raise StoreError(messages.REWRITE_FAILED_BECAUSE.format(problem=exc)) from None
    _known[salt] = key
    if forget_remembered(old_salt):
        remember(salt, key)
        return True
    return False


def open_encrypted(path: Path) -> Any:
    """The everyday store on an encrypted file (a `SqliteStore` through SQLCipher), upgraded if need be."""
    from keepgoing.storage import _keep_private, _schema_version
    from keepgoing.storage.revisions import HEAD
    from keepgoing.storage.store import BUSY_TIMEOUT_MS, SqliteStore, describe_sqlite_error, needs_upgrade

    dbapi2 = driver()

    def connection_to_it() -> Any:
        connection = connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection

    try:
        connection = connection_to_it()
        try:
            version = _schema_version(connection, path)
            if version is None:
                raise StoreError(f"{path} is an encrypted database but not a keepgoing store.")
            upgrade = needs_upgrade(str(path), version)
        except BaseException:
            connection.close()
            raise
        if upgrade:
            connection.close()
            from keepgoing.storage.backup import backup
            from keepgoing.storage.migrate import upgrade_sqlite

            backup(path, label=f"-before-{HEAD}")  # encrypted like the store
            upgrade_sqlite(path, creator=connection_to_it)
            connection = connection_to_it()
        _keep_private(path)
        # Every page read is decrypted and checked: a larger page cache (it grows only as pages are
        # read) decrypts each page once per command, rather than again each time it is evicted.
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA secure_delete = ON")
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
    except db_errors() as exc:
        raise StoreError(describe_sqlite_error(exc, str(path))) from None  # type: ignore[arg-type]
    return SqliteStore(connection, path, driver=dbapi2)
