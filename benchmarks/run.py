"""Time whole cold processes of the installed `keepgoing` against `python -c pass`.

    python benchmarks/seed.py --people 2000 --conversations 100000 --db /tmp/kg-2k.db
    python benchmarks/run.py --db /tmp/kg-2k.db
    python benchmarks/run.py --db /tmp/kg-2k.db --postgres postgresql://me@localhost/kg_bench


Each command runs `--runs` times after one warm-up, in a fresh process, and
we report the median wall time, its ratio to `python -c pass` measured in the
same run, and the peak RSS of the process (from wait4). `log` writes to a copy
of the store so that the seeded one stays as it was.

With `--encrypted` the everyday commands (due, log, show) also run on an
encrypted copy of `--db` (keepgoing encrypt --remember), side by side with
the plain store, and the table gives the ratio. The key is remembered the
way a user's is, in a keyring: here keyrings.alt's file backend in the
benchmark's own folder (PYTHON_KEYRING_BACKEND), so no desktop keyring is
touched; no KEEPGOING_PASSPHRASE is set, so no command pays the key
derivation. A desktop keyring (Secret Service over D-Bus, the macOS
Keychain) answers in a few milliseconds more or less than the file.

With `--postgres URL` the everyday commands also run against a team store on
that PostgreSQL database, side by side with SQLite, and the table gives the
ratio. An empty database there is filled first with `keepgoing copy` from
`--db`; `log` then writes into it (a few conversations a run).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one cold process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def bench(args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    measure(args, env)  # warm the page cache
    samples = [measure(args, env) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def report(cases: list[tuple[str, list[str], dict[str, str]]], runs: int) -> float:
    """Print a Markdown table row per case; the first case is the baseline, which is returned."""
    print("| command | median ms | x python | peak RSS MB |\n|---|---|---|---|")
    baseline = 0.0
    for label, command, case_env in cases:
        wall, rss = bench(command, case_env, runs)
        baseline = baseline or wall
        print(f"| `{label}` | {wall * 1000:.0f} | {wall / baseline:.1f}x | {rss:.0f} |")
    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True, help="a store made by seed.py")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="also time export --format csv, import of a JSON export and a quarter's report (one run each)",
    )
    parser.add_argument("--quarter", default="2026Q3", help="the quarter --bulk reports on")
    parser.add_argument(
        "--postgres", metavar="URL", help="also time the everyday commands on this PostgreSQL database"
    )
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="also time due, log and show on an encrypted copy of --db, the key remembered in a keyring",
    )
    args = parser.parse_args()
    keepgoing = shutil.which("keepgoing")
    if not keepgoing:
        raise SystemExit("install keepgoing first: pip install -e .")
    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    scratch = workdir / "scratch.db"
    shutil.copy(args.db, scratch)
    env = {**os.environ, "KEEPGOING_DB": str(args.db), "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    # An installed keepgoing runs from .pyc files that pip compiled; an editable
    # checkout gets them on first run, unless this is set (as on our machines).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    name = _a_name(args.db)
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"], env),
        ("keepgoing --help", [keepgoing, "--help"], env),
        ("keepgoing due", [keepgoing, "due"], env),
        ("keepgoing due --json", [keepgoing, "due", "--json"], env),
        (
            "keepgoing log NAME --via phone",
            [keepgoing, "log", name, "--via", "phone"],
            {**env, "KEEPGOING_DB": str(scratch)},
        ),
        ("keepgoing show NAME", [keepgoing, "show", name], env),
        ("keepgoing people --json", [keepgoing, "people", "--json"], env),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"store: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB), {args.runs} runs each after a warm-up\n"
    )
    baseline = report(cases, args.runs)
    if args.encrypted:
        print()
        encrypted_side_by_side(keepgoing, cases, args.db, workdir, env, args.runs)
    if args.postgres:
        print()
        side_by_side(keepgoing, cases[2:], args.postgres, args.db, env, args.runs)
    if args.bulk:
        export = workdir / "export.json"
        bulk = [
            (
                "keepgoing export --format csv (everything)",
                [keepgoing, "export", "--format", "csv", "--output", str(workdir / "all.csv")],
                env,
            ),
            ("keepgoing export (JSON, everything)", [keepgoing, "export", "--output", str(export)], env),
            (
                "keepgoing import (that JSON, new store)",
                [keepgoing, "import", str(export), "--db", str(workdir / "imported.db")],
                env,
            ),
            (
                "keepgoing report (a quarter, HTML with charts)",
                [keepgoing, "report", "--period", args.quarter, "--output", str(workdir / "report.html")],
                env,
            ),
        ]
        for label, command, case_env in bulk:
            wall, rss = measure(command, case_env)
            print(f"| `{label}` | {wall * 1000:.0f} | {wall / baseline:.0f}x | {rss:.0f} |")
    shutil.rmtree(workdir)


def side_by_side(
    keepgoing: str,
    cases: list[tuple[str, list[str], dict[str, str]]],
    url: str,
    db: Path,
    env: dict[str, str],
    runs: int,
) -> None:
    """The same commands on the team store at `url` as on SQLite, with the ratio between them."""
    people = subprocess.run(
        [keepgoing, "--db", url, "people", "--all", "--json"], env=env, capture_output=True, text=True
    )
    if people.returncode != 0:
        raise SystemExit(f"cannot use {url}: {people.stderr.strip()}")
    if people.stdout.strip() in ("", "[]"):
        print(f"copying {db} into the PostgreSQL store first ...", flush=True)
        subprocess.run([keepgoing, "--db", str(db), "copy", "--to", url], env=env, check=True)
    print("| command | SQLite ms | PostgreSQL ms | PostgreSQL / SQLite |\n|---|---|---|---|")
    for label, command, case_env in cases:
        sqlite_ms = bench(command, case_env, runs)[0] * 1000
        server_ms = bench(command, {**case_env, "KEEPGOING_DB": url}, runs)[0] * 1000
        print(f"| `{label}` | {sqlite_ms:.0f} | {server_ms:.0f} | {server_ms / sqlite_ms:.2f}x |")


def encrypted_side_by_side(
    keepgoing: str,
    cases: list[tuple[str, list[str], dict[str, str]]],
    db: Path,
    workdir: Path,
    env: dict[str, str],
    runs: int,
) -> None:
    """due, log and show on the plain store and on an encrypted copy of it, with the ratio."""
    keyring_env = {
        **env,
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(workdir / "keyring"),
    }
    keyring_env.pop("KEEPGOING_PASSPHRASE", None)
    encrypted = workdir / "encrypted.db"
    shutil.copy(db, encrypted)
    print(f"encrypting a copy of {db} (keepgoing encrypt --remember) ...", flush=True)
    subprocess.run(
        [keepgoing, "--db", str(encrypted), "encrypt", "--remember"],
        env={**keyring_env, "KEEPGOING_PASSPHRASE": "a benchmark passphrase"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    encrypted_scratch = workdir / "encrypted-scratch.db"
    shutil.copy(encrypted, encrypted_scratch)
    print(
        "| command | plain ms | encrypted ms | encrypted / plain | peak RSS MB plain / encrypted |\n"
        "|---|---|---|---|---|"
    )
    for label, command, case_env in cases:
        if command[1:2] not in (["due"], ["log"], ["show"]):
            continue
        plain_env = {**keyring_env, "KEEPGOING_DB": case_env["KEEPGOING_DB"]}
        writes = case_env["KEEPGOING_DB"] != str(db)
        secret_env = {**keyring_env, "KEEPGOING_DB": str(encrypted_scratch if writes else encrypted)}
        # Plain and encrypted runs take turns, so that a shared machine's load falls on both alike.
        measure(command, plain_env)
        plain, secret = [], []
        for _ in range(runs):
            plain.append(measure(command, plain_env))
            secret.append(measure(command, secret_env))
        plain_ms = statistics.median(s[0] for s in plain) * 1000
        secret_ms = statistics.median(s[0] for s in secret) * 1000
        print(
            f"| `{label}` | {plain_ms:.0f} | {secret_ms:.0f} | {secret_ms / plain_ms:.2f}x "
            f"| {max(s[1] for s in plain):.0f} / {max(s[1] for s in secret):.0f} |"
        )


def _a_name(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    row = conn.execute("SELECT name FROM person WHERE archived_at IS NULL ORDER BY id LIMIT 1").fetchone()
    conn.close()
    return row[0]


if __name__ == "__main__":
    main()
