"""Time the peers the same way as keepgoing: cold processes, median of N, ratio to `python -c pass`.

    apt-get install taskwarrior                       # task 2.6
    python3 -m venv /tmp/jrnl-venv && /tmp/jrnl-venv/bin/pip install jrnl
    python benchmarks/peers.py --jrnl /tmp/jrnl-venv/bin/jrnl

taskwarrior `task next` on 3,000 tasks and `jrnl -n 5` on 3,000 entries.
The `friends` CLI is a Ruby gem, and no Ruby gem registry is reachable from
our machines, so its figure (115x, from the performance issue) is quoted, not
measured here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import report


def taskwarrior(workdir: Path, count: int) -> tuple[list[str], dict[str, str]]:
    data = workdir / "task"
    data.mkdir()
    rc = workdir / "taskrc"
    rc.write_text(f"data.location={data}\nconfirmation=no\nverbose=nothing\nnews.version=9.9.9\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    rng = random.Random(1)
    tasks = [
        {
            "description": f"Check in with person {i} about the allotment",
            "status": "pending",
            "entry": "20260101T100000Z",
            "uuid": f"{i:08x}-0000-4000-8000-{i:012x}",
            "project": rng.choice(["hub", "walking", "council"]),
            "priority": rng.choice(["H", "M", "L"]),
            "due": (datetime(2026, 11, 1) + timedelta(days=rng.randint(0, 90))).strftime("%Y%m%dT%H%M%SZ"),
        }
        for i in range(1, count + 1)
    ]
    subprocess.run(
        ["task", "import", "-"], input=json.dumps(tasks), text=True, env=env, check=True, capture_output=True
    )
    return ["task", "next"], env


def jrnl(workdir: Path, count: int, binary: str) -> tuple[list[str], dict[str, str]]:
    journal = workdir / "journal.txt"
    start = datetime(2020, 1, 1, 9, 0)
    with journal.open("w") as out:
        for i in range(count):
            when = start + timedelta(hours=11 * i)
            out.write(
                f"[{when:%Y-%m-%d %I:%M:%S %p}] Cuppa with person {i}.\n"
                "Talked about the allotment, the hub and the walking group.\n\n"
            )
    config = workdir / "jrnl.yaml"
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\ndefault_hour: 9\ndefault_minute: 0\n"
        "editor: ''\nencrypt: false\nhighlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\nlinewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        "timeformat: '%Y-%m-%d %I:%M:%S %p'\nversion: v4.2\n"
    )
    return [binary, "--config-file", str(config), "-n", "5"], dict(os.environ)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jrnl", default=shutil.which("jrnl"), help="the jrnl executable")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kg-peers-"))
    cases = [("python -c pass", [sys.executable, "-c", "pass"], dict(os.environ))]
    if shutil.which("task"):
        cases.append(("task next (3,000 tasks)", *taskwarrior(workdir, 3000)))
    if args.jrnl:
        cases.append(("jrnl -n 5 (3,000 entries)", *jrnl(workdir, 3000, args.jrnl)))
    report(cases, args.runs)
    shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
