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
    def __init__(self, message: str, candidates: list[str]):
        super().__init__(message)
        self.candidates = candidates


class BadInput(KeepgoingError):
    pass


class StoreError(KeepgoingError):
    """The store cannot be opened or used (missing, corrupt, too new)."""
