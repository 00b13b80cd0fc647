"""Build a realistic keepgoing store fast, for benchmarks.

    python benchmarks/seed.py --people 2000 --conversations 100000 --db /tmp/kg-2k.db

Varied rhythms and tags, group conversations, follow-ups, some paused and
archived people, notes of realistic length, dates spread over three years.
Everything goes through the store's bulk path in one transaction.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from keepgoing.core.person import next_due
from keepgoing.storage import open_store
from keepgoing.text import name_key

FIRST = ("Sam Ann Bob Priya Jo Mo Wes Fran Cy Zoë Ade Kai Lin Ola Raj Bea Dev Eli Ifa Nia").split()
LAST = ("Okafor Lee Marsh Shah Bloggs Khan Smith Jones Björk Patel Evans Nowak Ahmed Brown").split()
TAGS = ["partner", "member", "volunteer", "walking-group", "council", "health", "youth", "food"]
CHANNELS = ["phone", "video", "email", "text", "cuppa", "other"]
RHYTHMS = [7, 14, 14, 30, 30, 30, 60, 91]
WORDS = (
    "talked about the allotment garden hub funding recovery group session "
    "next month ideas feeling better worse tired hopeful family job "
    "housing benefits volunteer training cuppa walk park library council meeting "
    "minutes flyer event celebrate small win"
).split()


def note(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))).capitalize() + "."


def seed(path: Path, people: int, conversations: int, seed_value: int = 7) -> None:
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    store = open_store(str(path))
    with store.write():
        person_rows = []
        for i in range(1, people + 1):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i:06d}"
            created = start + timedelta(days=rng.randint(0, 200))
            cadence = rng.choice(RHYTHMS)
            roll = rng.random()
            person_rows.append(
                {
                    "id": i,
                    "name": name,
                    "name_key": name_key(name),
                    "prefers": rng.choice(CHANNELS),
                    "cadence_days": cadence,
                    "created_at": created,
                    "updated_at": created,
                    "due_on": next_due(created, cadence),
                    "paused_until": (now + timedelta(days=30)).date() if roll < 0.03 else None,
                    "archived_at": now if 0.03 <= roll < 0.08 else None,
                    "phone": f"07700 {rng.randint(100000, 999999)}",
                }
            )
        columns = list(person_rows[0])
        store.run_many(
            f"INSERT INTO person ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
            person_rows,
        )
        store.run_many(
            "INSERT INTO person_tag (person_id, tag) VALUES (:p, :t)",
            (
                {"p": pid, "t": tag}
                for pid in range(1, people + 1)
                for tag in rng.sample(TAGS, rng.randint(0, 2))
            ),
        )
        span = int((now - start).total_seconds())
        conversation_rows, links, follow_ups = [], [], []
        for cid in range(1, conversations + 1):
            at = start + timedelta(seconds=rng.randint(0, span))
            conversation_rows.append(
                {
                    "id": cid,
                    "at": at,
                    "via": rng.choice(CHANNELS),
                    "note": note(rng),
                    "wb": rng.choice([None, 1, 2, 3, 4, 5]),
                    "by": "seed",
                    "created": at,
                }
            )
            present = rng.sample(range(1, people + 1), 1 if rng.random() < 0.9 else rng.randint(2, 4))
            links.extend({"c": cid, "p": pid} for pid in present)
            if rng.random() < 0.05:
                follow_ups.append(
                    {
                        "p": present[0],
                        "c": cid,
                        "t": "Send the " + rng.choice(WORDS),
                        "d": (at + timedelta(days=7)).date(),
                        "created": at,
                        # People close their promises: only recent ones are still open.
                        "done": None
                        if (now - at).days < 60 and rng.random() < 0.5
                        else at + timedelta(days=3),
                    }
                )
        store.run_many(
            "INSERT INTO conversation (id, occurred_at, via, note, wellbeing, logged_by, created_at) "
            "VALUES (:id, :at, :via, :note, :wb, :by, :created)",
            conversation_rows,
        )
        store.run_many("INSERT INTO conversation_person (conversation_id, person_id) VALUES (:c, :p)", links)
        store.run_many(
            "INSERT INTO follow_up (person_id, conversation_id, text, due_on, created_at, done_at) "
            "VALUES (:p, :c, :t, :d, :created, :done)",
            follow_ups,
        )
        last: dict[int, tuple[datetime, str]] = {}
        by_id = {row["id"]: row for row in conversation_rows}
        for link in links:
            row = by_id[link["c"]]
            if link["p"] not in last or row["at"] > last[link["p"]][0]:
                last[link["p"]] = (row["at"], row["via"])
        cadence_of = {row["id"]: row["cadence_days"] for row in person_rows}
        store.run_many(
            "UPDATE person SET last_contact_at = :at, last_contact_via = :via, due_on = :due WHERE id = :id",
            (
                {"at": at, "via": via, "due": next_due(at, cadence_of[pid]), "id": pid}
                for pid, (at, via) in last.items()
            ),
        )
    store.run("PRAGMA wal_checkpoint(TRUNCATE)")
    store.run("ANALYZE")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; choose a new path")
    started = time.perf_counter()
    seed(args.db, args.people, args.conversations, args.seed)
    print(
        f"seeded {args.db}: {args.people} people, {args.conversations} conversations "
        f"in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
