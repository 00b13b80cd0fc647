"""The audit trail of a team store: who read or changed whose records, and when.

Writes are recorded by the database itself (a trigger on every table that
holds personal data, `storage/team.py`), so a change made in psql is there
too. Reads are recorded here: `record` is called once by every command that
shows, exports, reports on, hands over, erases or searches people. An entry
names records by number, never a person's name or anything written about
them, so it outlives an erasure. A store without `team init` (and a local
one) keeps no audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from keepgoing.core.person import iso
from keepgoing.errors import BadInput
from keepgoing.storage import Store
from keepgoing.storage.date_encoding import stored_instant

# What keepgoing is running, for the database's triggers to record with each write.
_COMMAND_SETTING = "keepgoing.command"


def is_audited(store: Store) -> bool:
    return getattr(store, "team_worker", None) is not None


def label(store: Store, command: str) -> None:
    """Tell the database which command this connection runs (its triggers record it)."""
    if is_audited(store):
        store.value("SELECT set_config(:k, :c, false)", {"k": _COMMAND_SETTING, "c": command[:40]})


def record(store: Store, action: str, *, person_id: int | None = None, records: str | None = None) -> None:
    """One entry for a read (or a command as a whole): by this login role, now, by the database's clock."""
    if not is_audited(store):
        return
    from keepgoing.storage.team import AUDIT_COMMAND

    with store.write():
        store.run(
            f"INSERT INTO audit (command, action, person_id, records) VALUES ({AUDIT_COMMAND}, :a, :p, :r)",
            {"a": action[:60], "p": person_id, "r": None if records is None else records[:2000]},
        )


def handed_over(store: Store, person_ids: list[int], source: str) -> None:
    """One entry per person handed over: it also ends what `source` saw of them through the
    conversations they logged before (a team store's 90-day rule, `storage/team.py`)."""
    if not is_audited(store) or not person_ids:
        return
    from keepgoing.storage.team import AUDIT_COMMAND, HANDED_OVER

    with store.write():
        store.run_many(
            f"INSERT INTO audit (command, action, person_id, records) VALUES ({AUDIT_COMMAND}, :a, :p, :r)",
            [{"a": HANDED_OVER, "p": p, "r": f"from {source}"[:2000]} for p in person_ids],
        )


@dataclass
class Entry:
    """One line of the audit trail: who read or changed which records, when, and by which command."""

    id: int
    at: datetime
    role: str
    command: str | None
    action: str
    person_id: int | None
    records: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": iso(self.at),  # in the user's local time, whatever the server's zone
            "role": self.role,
            "command": self.command,
            "action": self.action,
            "person_id": self.person_id,
            "records": self.records,
        }


def entries(
    store: Store,
    *,
    person_id: int | None = None,
    role: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[Entry]:
    """The audit entries this login may see (a worker's own, a manager's everyone's), oldest first."""
    if not is_audited(store):
        raise BadInput("The audit trail is kept in team stores (keepgoing team init); this store has none.")
    # Each filter given is a column's value, each parameter named for its column.
    params: dict[str, Any] = {
        column: value for column, value in (("person_id", person_id), ("role", role)) if value is not None
    }
    where = [f"{column} = :{column}" for column in params]
    if since is not None:
        from keepgoing.clock import start_of_day

        where.append("at >= :since")
        params["since"] = start_of_day(since)  # the user's midnight, not the server's
    sql = "SELECT id, at, role, command, action, person_id, records FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if limit is not None:
        sql = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT {int(limit)}) newest"
    return [
        Entry(
            int(r["id"]),
            stored_instant(r["at"]),
            str(r["role"]),
            r["command"],
            str(r["action"]),
            r["person_id"],
            r["records"],
        )
        for r in store.rows(sql + " ORDER BY id", params)
    ]
