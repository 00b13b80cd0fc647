"""The file formats keepgoing reads and writes, in one table.

Each format is a module of this package holding its reader and its writer
(`read(path, job)` for `import`, `export(store, out, selection, options)` for
`export`); `FORMATS` says which module, what people type for it, which file
names mean it and what it can do. The commands look formats up here; a
format's module (and its libraries: ijson, vobject, icalendar) is imported
only when a file of that format is read or written.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

if TYPE_CHECKING:
    from datetime import datetime

    from keepgoing.exchange.importing import ImportJob, ImportReport
    from keepgoing.exchange.selection import Selection
    from keepgoing.storage import Store


class ExportOptions(NamedTuple):
    """What an export is asked for beside the selection (each writer takes what it needs)."""

    now: datetime
    tick: Callable[[], None]
    with_contacts: bool = False


class Format(NamedTuple):
    name: str
    module: str  # under keepgoing.exchange.formats
    words: tuple[str, ...] = ()  # what people may type for it besides its name (--format md)
    suffixes: tuple[str, ...] = ()  # the file names `import` takes to mean it
    imports: bool = False
    exports: bool = False
    takes_columns: bool = False  # import --columns

    def _module(self) -> Any:
        return import_module(f"{__name__}.{self.module}")

    def read(self, path: Path, job: ImportJob) -> ImportReport:
        """Import `path` in one transaction (see `exchange.file_import.import_file`)."""
        report: ImportReport = self._module().read(path, job)
        return report

    def write(
        self, store: Store, out: TextIO, selection: Selection, options: ExportOptions
    ) -> dict[str, int]:
        """Export the selection to `out`; how many of each thing were written."""
        counts: dict[str, int] = self._module().export(store, out, selection, options)
        return counts


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "json", suffixes=(".json",), imports=True, exports=True),
        Format("csv", "csv", suffixes=(".csv", ".tsv"), imports=True, exports=True, takes_columns=True),
        Format("markdown", "markdown", words=("md",), exports=True),
        Format("ics", "ics", words=("ical",), exports=True),
        Format("vcard", "vcard", suffixes=(".vcf", ".vcard"), imports=True),
    )
}
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.exports)
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.imports)
# What people type for each format they can export (the file extensions that mean each are in exchange/files.py).
FORMAT_NAMES = {word: f.name for f in FORMATS.values() if f.exports for word in (f.name, *f.words)}


def import_format(path: Path, given: str | None) -> Format:
    """The format `import` reads `path` as: `--format`, else from the file's name."""
    from keepgoing.errors import BadInput

    if given:
        if given not in IMPORT_FORMATS:
            raise BadInput(f"Unknown import format {given!r}; use one of {', '.join(IMPORT_FORMATS)}.")
        return FORMATS[given]
    suffix = path.suffix.lower()
    found = next((f for f in FORMATS.values() if f.imports and suffix in f.suffixes), None)
    if found is None:
        raise BadInput(f"Cannot tell the format of {path.name}; add --format json, csv or vcard.")
    return found
