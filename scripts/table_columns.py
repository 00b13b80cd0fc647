"""Write src/keepgoing/storage/columns.py from the SQLModel classes in storage/models.py.

    python scripts/table_columns.py

The models are the one definition of each table. Everyday commands cannot
import them (SQLModel costs more start-up than a whole command), so the
column lists the core reads are written out from them here, and
tests/test_docs.py fails when the two drift apart.
"""

from __future__ import annotations

from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "src" / "keepgoing" / "storage" / "columns.py"


def render() -> str:
    from datetime import date, datetime

    from keepgoing.storage.models import metadata

    def kind(column: object) -> type | None:
        """The Python type a column holds (SQLModel's UTCDateTime wraps a DateTime)."""
        sql_type = getattr(column.type, "impl", column.type)  # type: ignore[attr-defined]
        try:
            return sql_type.python_type  # type: ignore[no-any-return]
        except NotImplementedError:
            return None

    names, instants, days, lengths = [], [], [], []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        names.append(f'    "{table.name}": ({"".join(f"{c.name!r}, " for c in table.columns).rstrip()}),')
        instants += [f'    ("{table.name}", "{c.name}"),' for c in table.columns if kind(c) is datetime]
        days += [f'    ("{table.name}", "{c.name}"),' for c in table.columns if kind(c) is date]
        lengths += [
            f'    ("{table.name}", "{c.name}"): {c.type.length},'
            for c in table.columns
            if getattr(c.type, "length", None)
        ]
    lines = [
        '"""Each table\'s columns, in order: written from storage/models.py by',
        "`python scripts/table_columns.py`; do not edit by hand.",
        "",
        "The core reads these instead of importing SQLModel (which costs more",
        "start-up time than a whole command); a test checks they match the models.",
        '"""',
        "",
        "COLUMNS: dict[str, tuple[str, ...]] = {",
        *(line.replace("'", '"') for line in names),
        "}",
        "# (table, column) pairs holding an instant (stored in UTC) and a calendar day.",
        "INSTANTS: frozenset[tuple[str, str]] = frozenset((",
        *instants,
        "))",
        "DAYS: frozenset[tuple[str, str]] = frozenset((",
        *days,
        "))",
        "# The longest text each column may hold (its max_length in the models): the one limit on it.",
        "LENGTHS: dict[tuple[str, str], int] = {",
        *lengths,
        "}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import subprocess

    TARGET.write_text(render())
    subprocess.run(["ruff", "format", "--quiet", str(TARGET)], check=True)
    print(f"wrote {TARGET}")
