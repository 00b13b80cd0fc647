"""Hand-over: when a worker leaves or a caseload moves, their people move with a story so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from keepgoing.errors import BadInput, NotFound
from keepgoing.storage import Store
from keepgoing.text import clean_tag, worker_key


@dataclass
class Handover:
    """The people and open follow-ups moved (or, on a dry run, that would move) from one worker to another."""

    from_worker: str
    to_worker: str
    tag: str | None
    people: list[dict[str, Any]]
    follow_ups: int
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.from_worker,
            "to": self.to_worker,
            "tag": self.tag,
            "dry_run": self.dry_run,
            "people": self.people,
            "follow_ups": self.follow_ups,
        }


def hand_over(
    store: Store,
    *,
    from_worker: str,
    to_worker: str,
    now: datetime,
    tag: str | None = None,
    by: str | None = None,
    dry_run: bool = False,
    write_pack: Callable[[Store, list[int]], None] | None = None,
    new_worker: bool = False,
) -> Handover:
    """Make `to_worker` key worker for `from_worker`'s people (or those tagged `tag`).

    Their open follow-ups that were `from_worker`'s, or nobody's, move too.
    One transaction: `write_pack` runs inside it, with the people's ids, so
    a pack that cannot be written leaves everyone where they were.
    Archived people move as well: their history still needs an owner.
    """
    source, target = worker_key(from_worker), worker_key(to_worker)
    if source == target:
        raise BadInput(f"{from_worker} and {to_worker} are the same worker; nothing to hand over.")
    params: dict[str, Any] = {"source": source, "target": target, "now": now, "by": by}
    chosen = "p.worker = :source"
    if tag is not None:
        params["tag"] = clean_tag(tag)
        chosen += " AND p.id IN (SELECT person_id FROM person_tag WHERE tag = :tag)"
    with store.write():
        from keepgoing.core.workers import check_worker

        check_worker(store, target, me=by, new=new_worker)  # never five people handed to a typo
        people = [
            {"id": row["id"], "name": row["name"]}
            for row in store.rows(
                f"SELECT p.id, p.name FROM person p WHERE {chosen} ORDER BY p.name_key", params
            )
        ]
        if not people:
            tagged = f" tagged {params['tag']}" if tag is not None else ""
            raise NotFound(f"{source} is key worker for nobody{tagged}; nothing to hand over.")
        theirs = (
            "done_at IS NULL AND cancelled_at IS NULL AND (worker = :source OR worker IS NULL) "
            f"AND person_id IN (SELECT p.id FROM person p WHERE {chosen})"
        )
        follow_ups = int(store.value(f"SELECT count(*) AS n FROM follow_up WHERE {theirs}", params))
        if not dry_run:
            # Follow-ups first: their condition looks at who the key worker still is.
            store.run(f"UPDATE follow_up SET worker = :target WHERE {theirs}", params)
            store.run(
                "UPDATE person SET worker = :target, updated_at = :now, updated_by = :by, version = version + 1 "
                f"WHERE id IN (SELECT p.id FROM person p WHERE {chosen})",
                params,
            )
            if write_pack is not None:
                write_pack(store, [p["id"] for p in people])
    return Handover(source, target, params.get("tag"), people, follow_ups, dry_run)
