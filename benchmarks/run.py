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
benchmark's own folder, chosen by keyring's own config file (keyringrc.cfg)
as a user's keyring is, so no desktop keyring is touched; no KEEPGOING_PASSPHRASE is set, so no command pays the key
derivation. A desktop keyring (Secret Service over D-Bus, the macOS
Keychain) answers in a few milliseconds more or less than the file.

With `--postgres URL` the everyday commands also run against a team store on
that PostgreSQL database, side by side with SQLite, and the table gives the
ratio. An empty database there is filled first with `keepgoing copy` from
`--db`; `log` then writes into it (a few conversations a run).

With `--postgres-worker ROLE` as well (URL names whoever looks after the
database, a role that may create roles), the store is made a team store
(`keepgoing team init`), ROLE is created as a LOGIN role and added as a
worker, the first `--caseload` people (200) become ROLE's caseload with the
conversations they were in logged by ROLE, and the PostgreSQL column is
timed connected as ROLE: under row-level security, as a worker works.

    python benchmarks/run.py --db /tmp/kg-2k.db --postgres postgresql://postgres@localhost/kg_bench \
        --postgres-worker bench_worker
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


# Issue 25's targets, in multiples of `python -c pass` measured in the same run; peak RSS in MB.
TARGETS = {
    "keepgoing --help": 7,
    "keepgoing due": 10,
    "keepgoing log NAME --via phone": 7,
    "keepgoing show NAME": 10,
    "keepgoing people --limit 20": 10,
}
RSS_TARGET_MB = 30


def report(cases: list[tuple[str, list[str], dict[str, str]]], runs: int) -> float:
    """Print a Markdown table row per case; the first case is the baseline, which is returned.

    A case with a target (TARGETS) says whether it is met: within that many times the
    baseline, and under RSS_TARGET_MB of peak memory.
    """
    print("| command | median ms | x python | peak RSS MB | target |\n|---|---|---|---|---|")
    baseline = 0.0
    for label, command, case_env in cases:
        wall, rss = bench(command, case_env, runs)
        baseline = baseline or wall
        target = TARGETS.get(label)
        verdict = ""
        if target is not None:
            met = wall / baseline <= target and rss < RSS_TARGET_MB
            verdict = f"{target}x, <{RSS_TARGET_MB} MB: {'met' if met else 'missed'}"
        print(f"| `{label}` | {wall * 1000:.0f} | {wall / baseline:.1f}x | {rss:.0f} | {verdict} |")
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
    parser.add_argument("--quarter", default="2026Q3", help="the quarter --bulk and --report report on")
    parser.add_argument(
        "--report",
        action="store_true",
        help="only time the quarter's report: median of --runs warm runs and the peak RSS",
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="also time the everyday commands on this PostgreSQL database"
    )
    parser.add_argument(
        "--postgres-worker",
        metavar="ROLE",
        help="with --postgres: make it a team store and time the commands as this worker role",
    )
    parser.add_argument("--caseload", type=int, default=200, help="the worker's caseload (--postgres-worker)")
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="also time due, log and show on an encrypted copy of --db, the key remembered in a keyring",
    )
    args = parser.parse_args()
    if args.postgres_worker and not args.postgres:
        raise SystemExit("--postgres-worker needs --postgres URL (whoever looks after that database)")
    keepgoing = shutil.which("keepgoing")
    if not keepgoing:
        raise SystemExit("install keepgoing first: pip install -e .")
    workdir = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    # The screen a morning opens on: 80 x 24.
    env = {**os.environ, "KEEPGOING_DB": str(args.db), "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    # An installed keepgoing runs from .pyc files that pip compiled; an editable
    # checkout gets them on first run, unless this is set (as on our machines).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.report:
        time_report(keepgoing, args, env, workdir)
        return
    scratch = workdir / "scratch.db"
    shutil.copy(args.db, scratch)
    name = _a_name(args.db)
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"], env),
        # The floor under every command: the CLI and screen libraries' own import, before any of ours.
        ("floor: import typer", [sys.executable, "-c", "import typer"], env),
        (
            "floor: import typer, rich.table",
            [sys.executable, "-c", "import typer, rich.console, rich.table"],
            env,
        ),
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
        ("keepgoing people --limit 20", [keepgoing, "people", "--limit", "20"], env),
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
        side_by_side(
            keepgoing,
            cases[2:],
            args.postgres,
            args.db,
            env,
            args.runs,
            worker=args.postgres_worker,
            caseload=args.caseload,
        )
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
            print(f"| `{label}` | {wall * 1000:.0f} | {wall / baseline:.0f}x | {rss:.0f} | |")
    shutil.rmtree(workdir)


def time_report(keepgoing: str, args: argparse.Namespace, env: dict[str, str], workdir: Path) -> None:
    """`--report`: the quarter's report alone, warm; wall and CPU seconds (a shared machine's
    load stretches the wall time, much less the CPU time) and the peak RSS."""
    page = workdir / "report.html"
    command = [keepgoing, "report", "--period", args.quarter, "--output", str(page), "--force"]
    measure(command, env)  # warm the page cache
    samples = []
    for _ in range(args.runs):
        before = os.times()
        wall, rss = measure(command, env)
        after = os.times()
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        samples.append((wall, cpu, rss))
    print(f"store: {args.db}, {args.runs} runs after a warm-up, load average {os.getloadavg()[0]:.1f}")
    print("| command | median wall s | median CPU s | peak RSS MB |\n|---|---|---|---|")
    print(
        f"| `keepgoing report --period {args.quarter}` | {statistics.median(s[0] for s in samples):.2f} "
        f"| {statistics.median(s[1] for s in samples):.2f} | {max(s[2] for s in samples):.0f} |"
    )
    shutil.rmtree(workdir)


def side_by_side(
    keepgoing: str,
    cases: list[tuple[str, list[str], dict[str, str]]],
    url: str,
    db: Path,
    env: dict[str, str],
    runs: int,
    *,
    worker: str | None = None,
    caseload: int = 200,
) -> None:
    """The same commands on the team store at `url` as on SQLite, with the ratio between them;
    with `worker`, connected as that worker role, under row-level security."""
    people = subprocess.run(
        [keepgoing, "--db", url, "people", "--all", "--json"], env=env, capture_output=True, text=True
    )
    if people.returncode != 0:
        raise SystemExit(f"cannot use {url}: {people.stderr.strip()}")
    if people.stdout.strip() in ("", "[]"):
        print(f"copying {db} into the PostgreSQL store first ...", flush=True)
        subprocess.run([keepgoing, "--db", str(db), "copy", "--to", url], env=env, check=True)
    if worker is not None:
        url = _as_worker(keepgoing, url, worker, caseload, env)
        print(f"as the worker {worker}, {caseload} people in their caseload, under row-level security\n")
    print("| command | SQLite ms | PostgreSQL ms | PostgreSQL / SQLite |\n|---|---|---|---|")
    for label, command, case_env in cases:
        sqlite_ms = bench(command, case_env, runs)[0] * 1000
        server_ms = bench(command, {**case_env, "KEEPGOING_DB": url}, runs)[0] * 1000
        print(f"| `{label}` | {sqlite_ms:.0f} | {server_ms:.0f} | {server_ms / sqlite_ms:.2f}x |")


def _as_worker(keepgoing: str, url: str, role: str, caseload: int, env: dict[str, str]) -> str:
    """Make the store at `url` a team store with `role` a worker holding the first `caseload`
    people (and the conversations they were in logged by them); the URL to connect as `role`."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    if role in (f"{database}_{group}" for group in ("owner", "worker", "manager")):
        raise SystemExit(f"{role} is one of the team's own group roles; give the worker another name")
    subprocess.run([keepgoing, "--db", url, "team", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    conninfo = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(os.environ.get("PGPASSWORD", ""))
                )
            )
    subprocess.run(
        [keepgoing, "--db", url, "team", "add-worker", role], env=env, check=True, stdout=subprocess.DEVNULL
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no audit rows for the set-up
        conn.execute(
            "UPDATE person SET worker = %s WHERE id IN (SELECT id FROM person ORDER BY id LIMIT %s)",
            (role, caseload),
        )
        conn.execute(
            "UPDATE conversation SET logged_by = %s WHERE id IN (SELECT cp.conversation_id FROM "
            "conversation_person cp JOIN person p ON p.id = cp.person_id WHERE p.worker = %s)",
            (role, role),
        )
        conn.execute("ANALYZE")
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


def encrypted_side_by_side(
    keepgoing: str,
    cases: list[tuple[str, list[str], dict[str, str]]],
    db: Path,
    workdir: Path,
    env: dict[str, str],
    runs: int,
) -> None:
    """due, log and show on the plain store and on an encrypted copy of it, with the ratio."""
    # The keyring is chosen the way a user's is, by keyring's own config file (keyringrc.cfg), not
    # $PYTHON_KEYRING_BACKEND: everyday commands then find the backend that `encrypt --remember`
    # recorded, as they would on a laptop.
    keyring_config = workdir / "config" / "python_keyring"
    keyring_config.mkdir(parents=True)
    (keyring_config / "keyringrc.cfg").write_text(
        "[backend]\ndefault-keyring = keyrings.alt.file.PlaintextKeyring\n"
    )
    keyring_env = {
        **env,
        "XDG_DATA_HOME": str(workdir / "keyring"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
    }
    for variable in ("KEEPGOING_PASSPHRASE", "PYTHON_KEYRING_BACKEND"):
        keyring_env.pop(variable, None)
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
