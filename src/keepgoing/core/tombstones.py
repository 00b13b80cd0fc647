"""Erasure that stays erased: what `forget` leaves behind so an old export cannot bring someone back.

A tombstone is the day and a set of keyed hashes (HMAC-SHA256) of the
forgotten person's names and aliases (`text.loose_key`: case, accents,
spaces, hyphens and apostrophes set aside), email (casefolded) and phone
(its digits, +44 read as 0). The key is a random secret kept in the store
(`store_secret`, made on first need): without the store the hashes say
nothing, not even whether a given name was ever there.

`import` and `copy` skip anyone in the file matching any one of those
hashes (a name, an alias, the email or the phone), with everything that was
only theirs, and redact them in what they shared with others, by `forget`'s
own rule. `--include-forgotten NAME` brings one back on purpose and lifts
their tombstone: they are in the store again, and forgetting them again
leaves a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_day
from keepgoing.text import loose_key

KEY_NAME = "tombstone_key"


@dataclass
class Tombstone:
    """What `forget` left of a person: the day, and keyed hashes of their names and contacts."""

    id: int
    forgotten_on: date
    digests: frozenset[str]


def _key(store: Store, *, now: datetime | None = None) -> bytes | None:
    """The store's tombstone key; with `now` (inside a write), made if there is none yet."""
    row = store.row("SELECT value FROM store_secret WHERE name = :n", {"n": KEY_NAME})
    if row is not None:
        return bytes.fromhex(str(row["value"]))
    if now is None:
        return None
    value = secrets.token_hex(32)
    store.run(
        "INSERT INTO store_secret (name, value, created_at) VALUES (:n, :v, :at)",
        {"n": KEY_NAME, "v": value, "at": now},
    )
    return bytes.fromhex(value)


def identifiers(names: Iterable[str], email: str | None, phone: str | None) -> set[str]:
    """What a person is recognised by, normalised: "name:samjones", "email:...", "phone:07700900123"."""
    found = {"name:" + key for n in names if (key := loose_key(n))}
    if email and email.strip():
        found.add("email:" + email.strip().casefold())
    digits = re.sub(r"\D", "", phone or "")
    if (phone or "").strip().startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        digits = "0" + digits[2:]
    if len(digits) >= 6:
        found.add("phone:" + digits)
    return found


def _hashed(key: bytes, found: Iterable[str]) -> set[str]:
    return {hmac.new(key, item.encode("utf-8"), hashlib.sha256).hexdigest() for item in found}


def lay(store: Store, names: Iterable[str], email: str | None, phone: str | None, *, now: datetime) -> None:
    """Leave a tombstone for someone being forgotten (inside the forget's transaction)."""
    key = _key(store, now=now)
    assert key is not None
    digests = sorted(_hashed(key, identifiers(names, email, phone)))
    store.run(
        "INSERT INTO tombstone (forgotten_on, digests) VALUES (:d, :h)",
        {"d": now.astimezone().date(), "h": " ".join(digests)},
    )


class Graveyard:
    """Every tombstone in a store, to check the people in an import file against."""

    def __init__(self, store: Store):
        self.store = store
        self.key = _key(store)
        self.stones: list[Tombstone] = []
        if self.key is not None:
            self.stones = [
                Tombstone(int(r["id"]), stored_day(r["forgotten_on"]), frozenset(str(r["digests"]).split()))
                for r in store.rows("SELECT id, forgotten_on, digests FROM tombstone ORDER BY id")
            ]

    def match(self, names: Iterable[str], email: str | None, phone: str | None) -> Tombstone | None:
        """The tombstone of someone with any of these names, this email or this phone, if any."""
        if not self.stones or self.key is None:
            return None
        mine = _hashed(self.key, identifiers(names, email, phone))
        return next((stone for stone in self.stones if stone.digests & mine), None)

    def lift(self, stone: Tombstone) -> None:
        """Remove a tombstone: the person was brought back on purpose (`--include-forgotten`)."""
        self.store.run("DELETE FROM tombstone WHERE id = :id", {"id": stone.id})
        self.stones = [s for s in self.stones if s.id != stone.id]


@dataclass
class InBackups:
    """The backups in the backups folder that still hold someone just forgotten."""

    holding: list[Path]
    unreadable: list[Path]
    not_looked_at: int


def backups_holding(
    store_path: Path, names: Iterable[str], email: str | None, phone: str | None
) -> InBackups:
    """Which backups of this store still hold someone with these names, this email or this phone.

    Each is opened read-only and its people compared by the same normalised
    identifiers as a tombstone; at most `MAX_LOOKED_AT`, newest first."""
    from keepgoing.errors import StoreError
    from keepgoing.storage.backup import MAX_LOOKED_AT, backups_of, people_in

    wanted = identifiers(names, email, phone)
    found = InBackups([], [], 0)
    files = backups_of(store_path)
    found.not_looked_at = max(0, len(files) - MAX_LOOKED_AT)
    for path in files[:MAX_LOOKED_AT]:
        try:
            people = people_in(path)
        except StoreError:
            found.unreadable.append(path)
            continue
        if any(identifiers(*person) & wanted for person in people):
            found.holding.append(path)
    return found
