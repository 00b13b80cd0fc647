"""Copying a whole store into another: a personal file into a team's database, and back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from keepgoing.errors import BadInput
from keepgoing.exchange.importing import ImportReport
from keepgoing.storage import Store


def copy_store(
    source: Store,
    target: Store,
    *,
    now: datetime,
    dry_run: bool = False,
    tick: Callable[[], None] = lambda: None,
    worker: str | None = None,
    include_forgotten: list[str] | None = None,
) -> ImportReport:
    """Everything in `source` into `target`, through the lossless JSON export.

    It is an import like any other: one transaction, people already in the
    target are matched by name or alias (a different name sharing an email is
    refused, never merged), and what is already there is
    skipped, so copying twice adds nothing the second time. Anyone forgotten
    in the target is left out (`core/tombstones.py`), but for those named in
    `include_forgotten`.

    A local store is one person's: copied into a team store, its people become the
    caseload of `worker` (by default the role doing the copy), and what was written in
    it is that role's.
    """
    import tempfile
    from pathlib import Path

    from keepgoing.exchange.file_import import import_file
    from keepgoing.exchange.formats.json import write_json
    from keepgoing.exchange.selection import Selection
    from keepgoing.storage.bulk import one_persons_store
    from keepgoing.storage.team import managers_only

    if _where(source) == _where(target):
        raise BadInput("That is the store you are copying from; give another --to.")
    managers_only(source, "copy the team store")
    # Through a file, not memory, so a store of any size copies in flat memory;
    # the folder is private (0700) and goes away with everything in it.
    with tempfile.TemporaryDirectory(prefix="keepgoing-copy-") as folder:
        path = Path(folder) / "store.json"
        with path.open("w", encoding="utf-8") as out, source.read():
            write_json(source, out, Selection(monitoring=True), now=now)  # monitoring moves with its people
        assign = None
        team_role = getattr(target, "team_worker", None)
        if team_role is not None and one_persons_store(source):
            assign = worker or team_role
            if worker is not None:
                from keepgoing.storage.team import require_team_role

                require_team_role(target, worker)
        elif worker is not None:
            raise BadInput(
                "--worker says whose caseload a local store becomes in a team store; this copy is not one."
            )
        report = import_file(
            target,
            path,
            format="json",
            dry_run=dry_run,
            now=now,
            tick=tick,
            assign=assign,
            include_forgotten=include_forgotten,
        )
    report.file = source.location  # not the temporary file's name
    return report


def _where(store: Store) -> str:
    path = getattr(store, "path", None)  # a local file: compare where it really is
    return str(path.resolve()) if path is not None else store.location
