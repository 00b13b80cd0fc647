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
