"""`import`'s entry: a file's format found, and its reader handed one `ImportJob`.

The reader runs the file through an `Importer` (`exchange/importing.py`) inside
`ImportJob.run`. This lives apart from the `Importer` so that the readers, which
need `ImportJob` and `ImportProblem`, never import the module that finds them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from keepgoing.errors import UsageError
from keepgoing.exchange.importing import ImportJob, ImportReport
from keepgoing.storage import Store


def import_file(
    store: Store,
    path: Path,
    *,
    format: str | None = None,
    dry_run: bool = False,
    now: datetime,
    tick: Callable[[], None] = lambda: None,
    columns: str | None = None,
    assign: str | None = None,
    include_forgotten: list[str] | None = None,
) -> ImportReport:
    """Import `path` in one transaction; with `dry_run`, report and roll back.

    `columns` ("Surname=last_name,Mob=phone") says what a CSV's headings hold; `assign`
    names the one role everyone and everything in the file is then (a local store's copy).
    People forgotten in this store are left out (`core/tombstones.py`), but for
    those named in `include_forgotten`. The reader is the format's (`exchange/formats`).
    """
    from keepgoing.exchange.formats import import_format
    from keepgoing.storage.team import managers_only

    managers_only(store, "import into the team store")
    kind = import_format(path, format)
    mapping = None
    if columns is not None:
        from keepgoing.exchange.formats.csv import parse_columns

        mapping = parse_columns(columns)
    if mapping is not None and not kind.takes_columns:
        raise UsageError("--columns is for a CSV file; a JSON export and a vCard say what each field is.")
    report = ImportReport(file=str(path), format=kind.name, dry_run=dry_run)
    job = ImportJob(
        store, report, now=now, tick=tick, columns=mapping, assign=assign, include=include_forgotten
    )
    return kind.read(path, job)
