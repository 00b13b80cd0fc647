"""encrypt, decrypt and rekey: the local store encrypted at rest (storage/encryption.py)."""

from pathlib import Path
from typing import Annotated

import typer

from keepgoing import messages
from keepgoing.cli.app import app
from keepgoing.cli.options import examples, open_store
from keepgoing.cli.output import say, user
from keepgoing.storage.local_file import is_encrypted


def _store_path() -> Path:
    """The local store's file, opened once (made or upgraded as need be); a server is refused."""
    from keepgoing.cli.options import session
    from keepgoing.errors import BadInput
    from keepgoing.storage import on_server, resolve_location

    if on_server(resolve_location(session().db)):
        raise BadInput(messages.ENCRYPT_ON_SERVER)
    store = open_store(create=True)
    path = getattr(store, "path", None)
    store.close()
    if path is None:
        raise BadInput(messages.ENCRYPT_ON_SERVER)
    return Path(path)


@app.command(
    rich_help_panel="Care with data",
    epilog=examples(
        "keepgoing encrypt   (asks for a new passphrase twice, never shown)",
        "keepgoing encrypt --remember   (and keeps the key in this computer's keyring)",
        "KEEPGOING_PASSPHRASE=... keepgoing encrypt   (in a script)",
    ),
)
def encrypt(
    remember: Annotated[
        bool,
        typer.Option(
            "--remember",
            help="Keep the derived key (never the passphrase) in the operating system's keyring, "
            "so everyday commands ask nothing.",
        ),
    ] = False,
) -> None:
    """Encrypt the local store at rest (SQLCipher 4); its backups are encrypted too."""
    from keepgoing.storage import encryption

    encryption.driver()  # the extra is installed, before a passphrase is asked for
    path = _store_path()  # an encrypted store's passphrase is asked for (or found) here
    if is_encrypted(path):
        if not remember:
            from keepgoing.errors import BadInput

            raise BadInput(messages.ALREADY_ENCRYPTED.format(path=user(str(path))))
        encryption.keyring_ready()
        encryption.remember_store_key(path)  # already encrypted: only remember its key
        say(messages.KEY_REMEMBERED)
        return
    passphrase = encryption.new_passphrase(encryption.PASSPHRASE_VARIABLE, messages.NEW_PASSPHRASE_QUESTION)
    encryption.encrypt_store(path, passphrase, remember_key=remember)
    say(messages.ENCRYPTED.format(path=user(str(path))))
    if remember:
        say(messages.KEY_REMEMBERED)


@app.command(
    rich_help_panel="Care with data",
    epilog=examples("keepgoing decrypt", "KEEPGOING_PASSPHRASE=... keepgoing decrypt"),
)
def decrypt() -> None:
    """Turn an encrypted store back into a plain SQLite file (and forget its remembered key)."""
    from keepgoing.storage import encryption

    path = _store_path()
    removed = encryption.decrypt_store(path)
    say(messages.DECRYPTED.format(path=user(str(path))))
    if removed:
        say(messages.KEY_FORGOTTEN)


@app.command(
    rich_help_panel="Care with data",
    epilog=examples(
        "keepgoing rekey   (the current passphrase, then the new one twice)",
        "KEEPGOING_PASSPHRASE=old KEEPGOING_NEW_PASSPHRASE=new keepgoing rekey",
    ),
)
def rekey() -> None:
    """Change an encrypted store's passphrase; a remembered key is replaced by the new one."""
    from keepgoing.storage import encryption

    path = _store_path()  # the current passphrase is asked for (or found) here
    if not is_encrypted(path):
        from keepgoing.errors import BadInput

        raise BadInput(messages.NOT_ENCRYPTED.format(path=user(str(path))))
    passphrase = encryption.new_passphrase(
        encryption.NEW_PASSPHRASE_VARIABLE, messages.NEW_PASSPHRASE_QUESTION
    )
    replaced = encryption.rekey_store(path, passphrase)
    say(messages.REKEYED.format(path=user(str(path))))
    if replaced:
        say(messages.KEY_RE_REMEMBERED)
