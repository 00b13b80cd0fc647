"""Who counts as a worker in a store: so a key worker is never a typo.

A worker is known when the store already names them: as someone's key worker,
as the one who logged a conversation or holds a follow-up, as whoever is
using keepgoing now, and, in a team store, as one of the team's roles.
`edit --worker` and `handover --to` refuse anyone else, with the names it may
have meant, unless the user says the worker is new.
"""

from __future__ import annotations

from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.storage.team import team_role_names
from keepgoing.text import worker_key


def known_workers(store: Store, *, me: str | None = None) -> list[str]:
    """Every worker the store knows (what this login may see of it), sorted."""
    names: set[str] = set(team_role_names(store))
    for sql in (
        "SELECT DISTINCT worker AS w FROM person WHERE worker IS NOT NULL",
        "SELECT DISTINCT logged_by AS w FROM conversation WHERE logged_by IS NOT NULL",
        "SELECT DISTINCT worker AS w FROM follow_up WHERE worker IS NOT NULL",
    ):
        names.update(str(row["w"]) for row in store.rows(sql))
    if me:
        names.add(worker_key(me))
    return sorted(names)


def check_worker(store: Store, name: str, *, me: str | None = None, new: bool = False) -> str:
    """The worker `name` as stored, when the store knows them (or `new` says they are new)."""
    key = worker_key(name)
    if new:
        return key
    known = known_workers(store, me=me)
    if key in known:
        return key
    import difflib

    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    message = f'No worker called "{key}" in this store.'
    if close:
        message += " Did you mean " + " or ".join(close) + "?"
    elif known:
        shown = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
        message += f" The workers here are {shown}."
    if team_role_names(store):
        message += " A colleague new to the team joins with keepgoing team add-worker."
    else:
        message += " For someone new here, add --new-worker."
    raise NotFound(message)


def check_colleague(what: str, theirs: str | None, worker: str | None, force: bool) -> None:
    """Refuse to change a record a colleague made, unless `force`; a worker keepgoing cannot
    name is never taken for its author, and cannot force (there is no one to credit)."""
    if not theirs or theirs == worker:
        return
    if not force:
        raise BadInput(
            f"{what} was logged by {theirs}, not you; "
            "to change a colleague's record add --force (your name is kept with the change)."
        )
    if worker is None:
        raise BadInput(
            f"{what} was logged by {theirs}, and keepgoing does not know who you are to keep your name "
            "with the change: set your worker name (keepgoing config worker NAME, or KEEPGOING_WORKER)."
        )
