"""Encrypted export files (`export --encrypt`), and reading them back in `import`.

An encrypted export is the export's own text sealed with Fernet (AES-128-CBC
with HMAC-SHA256, from the `cryptography` package), under a key derived from
the passphrase with scrypt and a random salt of its own, after a short
header that says what it is:

    keepgoing-encrypted-export 1\\n   16 bytes of salt   the Fernet token

`import` knows such a file by that header, whatever its name, and reads it
back with the passphrase. The decrypted text is held in an owner-only
temporary file in memory (/dev/shm) where the system has one, else in the
temporary folder, for as long as the import runs.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from keepgoing import messages
from keepgoing.errors import BadInput

MAGIC = b"keepgoing-encrypted-export 1\n"
SALT_BYTES = 16
# scrypt's cost: about a tenth of a second and 32 MB, once per file.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def _fernet(passphrase: str, salt: bytes) -> Any:
    try:
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    except ImportError:
        from keepgoing.storage.encryption import PACKAGE

        raise BadInput(messages.EXPORT_ENCRYPTION_MISSING.format(package=PACKAGE)) from None
    key = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str, passphrase: str) -> bytes:
    """The whole encrypted file for an export's text."""
    salt = os.urandom(SALT_BYTES)
    return MAGIC + salt + _fernet(passphrase, salt).encrypt(text.encode("utf-8"))


def is_sealed(path: Path) -> bool:
    """Whether `path` is a regular file that starts with the header (a FIFO is never opened to wait)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return os.read(fd, len(MAGIC)) == MAGIC
    except OSError:
        return False
    finally:
        os.close(fd)


def unseal(data: bytes, passphrase: str, path: Path) -> bytes:
    from cryptography.fernet import InvalidToken

    salt = data[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    token = data[len(MAGIC) + SALT_BYTES :]
    if len(salt) != SALT_BYTES or not token:
        raise BadInput(messages.EXPORT_ENCRYPTED_DAMAGED.format(path=path))
    try:
        plain: bytes = _fernet(passphrase, salt).decrypt(token)
    except InvalidToken:
        # Fernet cannot tell a wrong key from a damaged file: its check covers both.
        raise BadInput(messages.EXPORT_ENCRYPTED_WRONG.format(path=path)) from None
    return plain


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """The file to import: `path` itself, or, for an encrypted export, its text decrypted into a
    private temporary file of the same name, removed afterwards."""
    if not is_sealed(path):
        yield path
        return
    from keepgoing.bounded_input import MAX_IMPORT_BYTES, open_regular
    from keepgoing.storage.encryption import PASSPHRASE_VARIABLE, passphrase_from_terminal

    with open_regular(path, limit=MAX_IMPORT_BYTES) as handle:
        data = handle.read()
    passphrase = os.environ.get(PASSPHRASE_VARIABLE) or passphrase_from_terminal(
        messages.EXPORT_PASSPHRASE_QUESTION.format(path=path)
    )
    if not passphrase:
        raise BadInput(messages.EXPORT_PASSPHRASE_NEEDED.format(path=path, variable=PASSPHRASE_VARIABLE))
    plain = unseal(data, passphrase, path)
    memory = "/dev/shm"
    folder = Path(tempfile.mkdtemp(prefix="keepgoing-", dir=memory if os.path.isdir(memory) else None))
    try:
        inside = folder / path.name
        fd = os.open(inside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(plain)
        del plain
        yield inside
    finally:
        shutil.rmtree(folder, ignore_errors=True)
