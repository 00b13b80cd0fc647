"""Domain errors. The CLI turns each into one line on stderr and an exit status."""

from __future__ import annotations


class KeepgoingError(Exception):
    """A problem with the user's data or input: exit status 1."""

    exit_code = 1


class UsageError(KeepgoingError):
    """The command was called the wrong way: exit status 2."""

    exit_code = 2


class NotFound(KeepgoingError):
    pass


class Ambiguous(KeepgoingError):
    """A name that could be several people (or groups): `query` as typed, and who it could be."""

    def __init__(self, message: str, candidates: list[str], query: str | None = None):
        super().__init__(message)
        self.candidates = candidates
        self.query = query


class BadInput(KeepgoingError):
    pass


class CloseName(BadInput):
    """A new name very like someone already here: `typed` as given, `known` the name it is like."""

    def __init__(self, message: str, typed: str, known: str):
        super().__init__(message)
        self.typed = typed
        self.known = known


class SameName(BadInput):
    """A new person with the name of someone already here: `shown`, how those are shown."""

    def __init__(self, message: str, shown: list[str]):
        super().__init__(message)
        self.shown = shown


class StoreError(KeepgoingError):
    """The store cannot be opened or used (missing, corrupt, too new)."""


class EditConflict(KeepgoingError):
    """Someone else saved a change to this person after the edit began."""

    def __init__(self, person: object):
        who = getattr(person, "updated_by", None)
        name = getattr(person, "name", "This person")
        by = f" by {who}" if who else ""
        super().__init__(
            f"{name} was changed{by} while you were editing, so your change was not saved; "
            "look at them again (keepgoing show) and redo it."
        )
        self.person = person
