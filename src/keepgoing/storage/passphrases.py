"""One command's passphrases: who may be asked for one, and the keys found so far.

The command line sets these at the start of every command (`new_command`);
`encryption.py` reads them only when an encrypted store needs its key. They
are kept apart from it so that a command on a plain store loads none of
encryption's imports (hashlib, json, the keyring) nor the terminal's prompts.
"""

from __future__ import annotations

from collections.abc import Callable

Asker = Callable[[str], str]  # asks a question, returns what was typed (never echoed)


def _nobody() -> Asker | None:
    return None


# Which asker there is, chosen only when a passphrase is wanted: the terminal's, or None off one.
_choose_asker: list[Callable[[], Asker | None]] = [_nobody]

# Keys already found in this command, by salt: one question or derivation per file per command.
known_keys: dict[bytes, bytes] = {}


def new_command(choose_asker: Callable[[], Asker | None]) -> None:
    """A command starts: passphrases are asked with what `choose_asker` gives; no key is known yet."""
    _choose_asker[0] = choose_asker
    known_keys.clear()


def asker() -> Asker | None:
    """What asks for a passphrase now; None when nobody can be asked (no terminal)."""
    return _choose_asker[0]()
