"""Time `keepgoing import` of one JSON export with two source trees, taking turns.

    python benchmarks/import_side_by_side.py --before /tmp/old/src --after src --runs 2

Seeds a store of `--existing` conversations and a second of `--incoming` for
the same people, exports the second, then imports it into a fresh copy of the
first with each tree in turn (`PYTHONPATH`), reporting wall time and CPU time
(user + system) of each import. On a shared machine the wall time follows the
load; the CPU time is what a change to the importer moves.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = Path(__file__).parent / "seed.py"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="a src/ folder holding keepgoing")
    parser.add_argument("--after", type=Path, required=True, help="another src/ folder")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--incoming", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=2)
    options = parser.parse_args()
    trees = {"before": options.before.resolve(), "after": options.after.resolve()}
    with tempfile.TemporaryDirectory(prefix="kg-side-") as folder:
        target, source, export = (Path(folder) / n for n in ("target.db", "source.db", "in.json"))
        env = dict(os.environ, PYTHONPATH=str(trees["before"]))
        for path, count in ((target, options.existing), (source, options.incoming)):
            seed = [sys.executable, str(SEED), "--people", str(options.people)]
            seed += ["--conversations", str(count), "--db", str(path)]
            subprocess.run(seed, check=True, stdout=subprocess.DEVNULL, env=env)
        exporting = [
            sys.executable,
            "-m",
            "keepgoing",
            "--db",
            str(source),
            "export",
            "--output",
            str(export),
        ]
        subprocess.run(exporting, check=True, stderr=subprocess.DEVNULL, env=env)
        for _ in range(options.runs):
            for label, tree in trees.items():
                copy = Path(folder) / f"{label}.db"
                shutil.copy(target, copy)
                started = time.perf_counter()
                proc = subprocess.Popen(
                    [sys.executable, "-m", "keepgoing", "--db", str(copy), "import", str(export)],
                    env=dict(os.environ, PYTHONPATH=str(tree)),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                _, status, usage = os.wait4(proc.pid, 0)
                if os.waitstatus_to_exitcode(status) != 0:
                    raise SystemExit(f"the import with {tree} failed")
                wall = time.perf_counter() - started
                cpu = usage.ru_utime + usage.ru_stime
                print(
                    f"{label}: wall {wall:.1f} s, CPU {cpu:.2f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB"
                )
                copy.unlink()


if __name__ == "__main__":
    main()
