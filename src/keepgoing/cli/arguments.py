"""Arguments more than one command module takes, declared and read the same way in each.

`followup ID|add ...` and `idea ID|add ...` take a number, or the word add and
then a name and its words: one argument Click cannot type, read here for both.
"""

from typing import Any

import typer

from keepgoing.errors import UsageError
from keepgoing.storage import completion as complete


def number_or_add(given: str, what: str) -> int | None:
    """`ID` as typed, or None for `add` (`followup add ...`, `idea add ...`); anything else is a usage error."""
    word = given.strip()
    if word.lower() == "add":
        return None
    if not word.isascii() or not word.isdigit():
        raise UsageError(
            f"keepgoing {what} takes a number (keepgoing {what} 3 ...) or add (keepgoing {what} add NAME TEXT)."
        )
    return int(word)


def words_after_add(help: str) -> Any:
    """`[NAME TEXT]`, the words after `followup add` or `idea add` (read by `name_and_text`)."""
    return typer.Argument(
        metavar="[NAME TEXT]", help=help, show_default=False, autocompletion=complete.people
    )


def name_and_text(words: list[str] | None, what: str) -> tuple[str, str]:
    """After `add`: who it is for and its words, exactly two of them."""
    if not words or len(words) != 2:
        raise UsageError(f'keepgoing {what} add takes a name and its words: keepgoing {what} add sam "..."')
    return words[0], words[1]


def person_argument(help: str) -> Any:
    """An argument naming people (`NAME`, or several), Tab-completed from the store's names."""
    return typer.Argument(help=help, show_default=False, autocompletion=complete.people)
