"""Anonymised output: no word of anyone's name, and neutral labels for groups.

`report --anonymise` and `export --anonymise` share these. A name is hidden
in every form a note might write it: whole, each part of a hyphenated or
apostrophised name ("Mary-Jane", "O'Brien"), with a possessive ('s or ’s),
in any case and with or without accents. Group names often carry a person's
name ("Maria's survivors circle"), so they become "Group A", "Group B", ...
"""

from __future__ import annotations

import re

from keepgoing.core.erasure import REDACTED
from keepgoing.core.erasure import _fold as _fold_accents
from keepgoing.storage import Store

# A word as notes write it: letters joined by hyphens or apostrophes ("Mary-Jane", "O’Brien's").
_WORD = re.compile(r"\w+(?:['’\-‐]\w+)*(?:['’]s?)?")
_POSSESSIVE = re.compile(r"['’]s?$", re.IGNORECASE)


def _fold(text: str) -> str:
    return _fold_accents(text).replace("’", "'")


def words_of(name: str) -> set[str]:
    """Every folded form of a name an anonymised text must not contain (two letters or more)."""
    words: set[str] = set()
    for whole in _fold(name).split():
        whole = _POSSESSIVE.sub("", whole) if len(whole) > 2 else whole
        words.add(whole)
        words.update(re.findall(r"\w+", whole))
    return {w for w in words if len(w) >= 2}


def name_words(store: Store) -> set[str]:
    """Every word of every name and alias in the store, folded."""
    words: set[str] = set()
    for row in store.stream("SELECT name AS n FROM person UNION ALL SELECT alias AS n FROM alias"):
        words |= words_of(row["n"])
    return words


def hide_names(text: str, names: set[str]) -> str:
    """`text` with every word that is, or has a part that is, one of `names` replaced."""

    def swap(match: re.Match[str]) -> str:
        word = match[0]
        base = _POSSESSIVE.sub("", word)
        folded = _fold(base)
        if folded in names or any(part in names for part in re.findall(r"\w+", folded)):
            return REDACTED + word[len(base) :]
        return word

    return _WORD.sub(swap, text)


def group_label(number: int) -> str:
    """A neutral name for the `number`th group (from 1): Group A ... Group Z, Group AA ..."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Group {letters}"


# An email address, and anything written like a phone number (nine digits or more, with any
# spacing), wherever they appear in free text: what a shared calendar and a subject access
# copy must not carry about anyone it is not about.
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d \t\-.()/]{6,}\d(?!\w)")
CONTACT_HIDDEN = "[contact details]"
PHONE_DIGITS = 9


def hide_contacts(text: str, keep: tuple[str, ...] = ()) -> str:
    """`text` without email addresses or phone numbers, but for those in `keep` (as written or
    by digits: someone's own, in their own copy)."""
    kept_emails = {k.casefold() for k in keep if "@" in k}
    kept_digits = {re.sub(r"\D", "", k) for k in keep if "@" not in k} - {""}

    def email(match: re.Match[str]) -> str:
        return match[0] if match[0].casefold() in kept_emails else CONTACT_HIDDEN

    def phone(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match[0])
        if len(digits) < PHONE_DIGITS or any(_same_phone(digits, k) for k in kept_digits):
            return match[0]
        return CONTACT_HIDDEN

    return _PHONE.sub(phone, _EMAIL.sub(email, text))


def _same_phone(digits: str, kept: str) -> bool:
    """One number written nationally or internationally (07700..., 447700...)."""

    def national(number: str) -> str:
        return "0" + number[2:] if number.startswith("44") else number

    return national(digits) == national(kept)
