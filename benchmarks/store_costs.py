"""How long a test's store takes to make: Alembic vs a copy of the migrated template.

    .venv/bin/python benchmarks/store_costs.py                        # SQLite only
    scripts/with-postgres .venv/bin/python benchmarks/store_costs.py  # and PostgreSQL

tests/conftest.py copies a template made once per worker; this prints what that saves.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path


def per_call(action, times: int = 10) -> float:
    start = time.perf_counter()
    for number in range(times):
        action(number)
    return (time.perf_counter() - start) / times


def sqlite(folder: Path) -> None:
    from keepgoing.storage import open_store

    template = folder / "template.db"
    open_store(str(template)).close()
    built = per_call(lambda n: open_store(str(folder / f"built-{n}.db")).close())
    copied = per_call(lambda n: shutil.copyfile(template, folder / f"copied-{n}.db"))
    print(f"SQLite store: Alembic {built:.4f} s, template copy {copied:.4f} s")


def postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from keepgoing.storage import open_store

    admin = create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT")

    def sql(statement: str) -> None:
        with admin.connect() as conn:
            conn.execute(text(statement))

    template = f"kg_bench_{uuid.uuid4().hex[:8]}"
    sql(f"CREATE DATABASE {template}")
    start = time.perf_counter()
    open_store(f"{url}/{template}").close()
    print(f"PostgreSQL migrate: {time.perf_counter() - start:.3f} s")
    for strategy in ("", " STRATEGY FILE_COPY"):
        names = [f"{template}_{n}" for n in range(10)]
        create = per_call(
            lambda n, names=names, how=strategy: sql(f"CREATE DATABASE {names[n]} TEMPLATE {template}{how}")
        )
        drop = per_call(lambda n, names=names: sql(f"DROP DATABASE {names[n]} WITH (FORCE)"))
        print(f"PostgreSQL copy{strategy or ' (WAL_LOG)'}: create {create:.3f} s, drop {drop:.3f} s")
    sql(f"DROP DATABASE {template} WITH (FORCE)")
    admin.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        sqlite(Path(folder))
    if os.environ.get("KEEPGOING_TEST_POSTGRES"):
        postgres(os.environ["KEEPGOING_TEST_POSTGRES"])
