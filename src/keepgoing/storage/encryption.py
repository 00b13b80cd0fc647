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
question on the terminal (the CLI says who asks: `passphrases.py`). Off a terminal
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
from keepgoing.storage.local_file import SALT_BYTES, db_errors, is_encrypted, salt_of
from keepgoing.storage.passphrases import asker
from keepgoing.storage.passphrases import known_keys as _known

KEY_BYTES = 32
# SQLCipher 4's own defaults: a key derived here is the one SQLCipher derives from the passphrase.
KDF_ROUNDS = 256_000
KEYRING_SERVICE = "keepgoing"
CACHE_KIB = 65_536  # an encrypted store's page cache: at most 64 MB of decrypted pages
PASSPHRASE_VARIABLE = "KEEPGOING_PASSPHRASE"
NEW_PASSPHRASE_VARIABLE = "KEEPGOING_NEW_PASSPHRASE"
PACKAGE = "pip install 'keepgoing[encryption]'"


def driver() -> Any:
    """The SQLCipher module (sqlcipher3's dbapi2); a clear line when the extra is missing."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        raise StoreError(messages.ENCRYPTION_MISSING.format(package=PACKAGE)) from None
    return dbapi2


def derive(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation, done here so that the derived key can be remembered."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_BYTES)


def _raw_key(key: bytes, salt: bytes) -> str:
    """SQLCipher's raw key (and salt), quoted for a KEY clause or `PRAGMA key`."""
    return f"\"x'{key.hex()}{salt.hex()}'\""


def key_pragma(key: bytes, salt: bytes) -> str:
    return f"PRAGMA key = {_raw_key(key, salt)}"


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
    ask = asker()
    return None if ask is None else ask(question)


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
    ask = asker()
    if ask is None:
        raise BadInput(messages.NEW_PASSPHRASE_NEEDED.format(variable=variable))
    first = ask(question)
    if not first:
        raise BadInput(messages.PASSPHRASE_EMPTY)
    if ask(messages.PASSPHRASE_AGAIN) != first:
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


def _rewrite(
    path: Path, source: Callable[[], Any], target_key: str, *, finish: Callable[[Path], None]
) -> None:
    """Copy the store, opened by `source`, into a new file under `target_key` (a KEY clause),
    checked by `finish`, and put it in the store's place: the store is the old file until the
    rename, the new one after it. A database error on the way fails it in one line."""
    from keepgoing.locations import private_replacement

    try:
        connection = source()
        try:
            connection.execute("PRAGMA busy_timeout = 10000")
            _hold(path, connection)
            with private_replacement(path, suffix=".rekey") as temp:
                connection.execute(f"ATTACH DATABASE '{_quoted(temp)}' AS rewritten KEY {target_key}")
                connection.execute("SELECT sqlcipher_export('rewritten')")
                version = connection.execute("PRAGMA main.user_version").fetchone()[0]
                connection.execute(f"PRAGMA rewritten.user_version = {int(version)}")
                connection.execute("DETACH DATABASE rewritten")
                finish(temp)
        finally:
            connection.close()
    except db_errors() as exc:
        raise StoreError(messages.REWRITE_FAILED_BECAUSE.format(problem=exc)) from None


def _open_to_rewrite(path: Path, dbapi2: Any = None) -> Callable[[], Any]:
    """What opens the store at `path` for `_rewrite`: plain through `dbapi2`, else with its key."""
    if dbapi2 is not None:
        return lambda: dbapi2.connect(str(path), isolation_level=None, timeout=10)
    return lambda: connect(path, isolation_level=None, timeout=10)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _checked(connect_to: Callable[[Path], Any]) -> Callable[[Path], None]:
    """`_rewrite`'s check of the new file (opened by `connect_to`): whole, and in WAL mode."""

    def check(temp: Path) -> None:
        connection = connect_to(temp)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(messages.REWRITE_FAILED)
            connection.execute("PRAGMA journal_mode = WAL")
        finally:
            connection.close()

    return check


_check_plain_copy = _checked(lambda temp: sqlite3.connect(temp, isolation_level=None))


def _check_encrypted_copy(key: bytes, salt: bytes) -> Callable[[Path], None]:
    return _checked(lambda temp: _raw_connect(temp, key, salt, isolation_level=None))


def encrypt_store(path: Path, passphrase: str, *, remember_key: bool) -> None:
    """Turn the plain store at `path` into an encrypted one under `passphrase`."""
    dbapi2 = driver()
    if is_encrypted(path):
        raise BadInput(messages.ALREADY_ENCRYPTED.format(path=path))
    if remember_key:
        keyring_ready()
    salt = os.urandom(SALT_BYTES)
    key = derive(passphrase, salt)
    _rewrite(
        path, _open_to_rewrite(path, dbapi2), _raw_key(key, salt), finish=_check_encrypted_copy(key, salt)
    )
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
    _rewrite(path, _open_to_rewrite(path), "''", finish=_check_plain_copy)
    return forget_remembered(salt)


def rekey_store(path: Path, passphrase: str) -> bool:
    """Encrypt the store under a new passphrase (and a new salt); whether the keyring now holds the new key."""
    if not is_encrypted(path):
        raise BadInput(messages.NOT_ENCRYPTED.format(path=path))
    _, old_salt = key_for(path)
    salt = os.urandom(SALT_BYTES)
    key = derive(passphrase, salt)
    _rewrite(path, _open_to_rewrite(path), _raw_key(key, salt), finish=_check_encrypted_copy(key, salt))
    _known[salt] = key
    if forget_remembered(old_salt):
        remember(salt, key)
        return True
    return False


def connect_store(path: Path, *, timeout: float) -> Any:
    """The everyday store's connection to the encrypted file at `path` (opened by `keepgoing.storage`)."""
    connection = connect(path, isolation_level=None, timeout=timeout)
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return connection


def tune(connection: Any) -> None:
    """Every page read is decrypted and checked: a larger page cache (it grows only as pages are
    read) decrypts each page once per command, rather than again each time it is evicted."""
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
