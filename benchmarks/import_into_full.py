"""Import a large history into a store that already has one, and time it.

    python benchmarks/import_into_full.py --people 2000 --existing 100000 --incoming 300000

Seeds a store with `--existing` conversations, and a second store with the
same people and `--incoming` other conversations, exports the second to JSON
and imports it into the first (every person matched, every conversation new,
so each one goes through the duplicate check). Reports the wall time and the
peak RSS of the import process. Issue 11's target: 300k into 100k within 60 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SEED = Path(__file__).parent / "seed.py"
sys.path.insert(0, str(SEED.parent))

from run import measure  # noqa: E402  (one way to time a cold process)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--existing", type=int, default=100_000)
    parser.add_argument("--incoming", type=int, default=300_000)
    options = parser.parse_args()
    keepgoing = [sys.executable, "-m", "keepgoing"]
    with tempfile.TemporaryDirectory(prefix="kg-import-") as folder:
        target, source, export = (Path(folder) / n for n in ("target.db", "source.db", "incoming.json"))
        # Seeded in their own processes: a child forked from a big parent would report
        # the parent's memory as its own peak.
        for path, count in ((target, options.existing), (source, options.incoming)):
            subprocess.run(
                [
                    sys.executable,
                    str(SEED),
                    "--people",
                    str(options.people),
                    "--conversations",
                    str(count),
                    "--db",
                    str(path),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        measure(
            [*keepgoing, "--db", str(source), "export", "--format", "json", "--output", str(export)],
            dict(os.environ),
        )
        seconds, rss = measure([*keepgoing, "--db", str(target), "import", str(export)], dict(os.environ))
        print(
            f"import of {options.incoming:,} conversations ({export.stat().st_size / 1024**2:.0f} MB of JSON) "
            f"into a store of {options.people:,} people and {options.existing:,} conversations: "
            f"{seconds:.1f} s, peak RSS {rss:.0f} MB"
        )


if __name__ == "__main__":
    main()
