"""A team store's roles and access: PostgreSQL roles, privileges and row-level security.

`keepgoing team init`, run once by whoever looks after the database (a role
that may create roles), makes three NOLOGIN roles named after the database:
`DB_owner` owns the tables, `DB_worker` and `DB_manager` are the groups the
team's LOGIN roles join (`team add-worker`). Roles are cluster-wide, so
naming them per database keeps one team's workers out of another team's
store on the same server.

Every table that holds something about a person gets ENABLE and FORCE ROW
LEVEL SECURITY and the policies below. A worker sees the people whose key
worker they are (`person.worker = current_user`, an indexed column), and
only those people's rows in the other tables (one indexed lookup of the
person, whose own policy then applies); a row naming another worker as
`logged_by` is refused (`WITH CHECK`), and nobody may change `logged_by`
afterwards (column privileges). A manager sees and changes everything. No
function is called per row: `current_user` is evaluated once per statement.

A new table that holds personal data goes into `PERSONAL` (a test fails
otherwise); one that does not goes into `NOT_PERSONAL`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from keepgoing.errors import BadInput
from keepgoing.storage.store import Store

# table -> how a worker may see a row: "person" (the row's person_id is a person they may
# see) or a condition of its own. Conversations and wins are seen through their people,
# and by whoever logged them.
PERSONAL: dict[str, str] = {
    # Their key worker; whom a manager shared them with; whom the worker talked to lately.
    "person": (
        "worker = current_user OR EXISTS (SELECT 1 FROM person_share s "
        "WHERE s.person_id = person.id AND s.role = current_user) "
        "OR id IN (SELECT keepgoing_recent_people())"
    ),
    # A worker reads only their own shares and audit entries (see OWN_ROWS).
    "person_share": "role = current_user",
    "audit": "role = current_user",
    "alias": "person",
    "person_tag": "person",
    "person_note": (
        "EXISTS (SELECT 1 FROM person p WHERE p.id = person_note.person_id) "
        "AND (NOT private OR logged_by = current_user)"
    ),
    "follow_up": (
        "EXISTS (SELECT 1 FROM person p WHERE p.id = follow_up.person_id) "
        "AND (NOT private OR logged_by = current_user)"
    ),
    # An idea credited to a group (raised in a session) is everyone's to see, like the group.
    "idea": (
        "EXISTS (SELECT 1 FROM person p WHERE p.id = idea.person_id) "
        "OR (person_id IS NULL AND group_id IS NOT NULL)"
    ),
    "group_member": "person",
    "conversation_person": "person",
    "win_person": "person",
    # A score is seen with its person, and only where its conversation is (not another's --private one).
    "measure_score": (
        "EXISTS (SELECT 1 FROM person p WHERE p.id = measure_score.person_id) "
        "AND EXISTS (SELECT 1 FROM conversation c WHERE c.id = measure_score.conversation_id)"
    ),
    # Equality monitoring (special category data) is seen as its person is.
    "monitoring_consent": "person",
    "monitoring": "person",
    # What is logged --private is its writer's (and the managers') alone.
    "conversation": (
        "logged_by = current_user OR (NOT private AND EXISTS "
        "(SELECT 1 FROM conversation_person cp WHERE cp.conversation_id = conversation.id))"
    ),
    "win": "logged_by = current_user OR EXISTS (SELECT 1 FROM win_person wp WHERE wp.win_id = win.id)",
    # Tombstones of forgotten people, and the key their hashes are made with. A keyed hash of
    # someone's name is pseudonymous data, still personal data (it tells whoever holds the key
    # whether a name was forgotten), so it is under row-level security like the rest; and since
    # only managers forget people and import, no worker reads or writes a row of either.
    "tombstone": "false",
    "store_secret": "false",
}
NOT_PERSONAL = ("alembic_version", "community_group", "pending_cleanup", "measure")

# A worker talks to someone, then sees them for this long (their conversations that
# happened within it, by the database's clock), whoever their key worker is.
RECENT = "90 days"
# The audit entry, one per person, that ends the old key worker's view of them (`RECENT`).
HANDED_OVER = "handed over"
# Tables with rules of their own: what a worker, and a manager, may do there. A worker
# cannot share a person; nobody but the owner changes or removes an audit entry.
OWN_ROWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "person_share": (("SELECT",), ("SELECT", "INSERT", "DELETE")),
    "audit": (("SELECT", "INSERT"), ("SELECT", "INSERT")),
}
# Who wrote a row in these: a share by the manager making it, an audit entry by its role.
WRITTEN_BY = {"person_share": "shared_by", "audit": "role"}

# Columns nobody changes once written: who logged a row, and when it was made.
FIXED_COLUMNS = ("logged_by", "created_at")
# Columns only a manager changes: a worker who may see someone (shared, or talked to lately)
# cannot make them their own, or give them away; `handover` is a manager's.
MANAGERS_ONLY = {"person": ("worker",)}
# What a worker's new row must satisfy, where seeing is wider than adding: a person they
# add is in their own caseload.
ADDS = {"person": "worker = current_user"}
# Only a manager erases someone (`forget`): a worker may not delete a person at all.
MANAGERS_DELETE = ("person",)
# Tables with a `logged_by` column: a worker's new row must name the role writing it.
LOGGED_BY = ("conversation", "follow_up", "win", "person_note")
# Only a manager may EXECUTE it: the database's own refusal of a worker's retention, import and copy.
MANAGERS_ONLY_FUNCTION = "keepgoing_managers_only"


def _team_member(roles: Roles) -> str:
    """A manager's row may name, as its writer, themselves or anyone in the team (an import or
    copy carries who wrote what; a hand-over is a manager's), never a stranger to the team."""
    return (
        "(logged_by IS NULL OR logged_by = current_user OR logged_by IN (SELECT r.rolname FROM pg_roles r "
        "JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid "
        f"WHERE g.rolname IN ({_literal(roles.worker)}, {_literal(roles.manager)})))"
    )


# Who logged the row a link points at. A policy on conversation_person cannot read
# conversation (whose own policy reads conversation_person), so this one lookup by primary
# key runs as the owner; it is used only when a link is added, never when rows are read.
WRITER_OF = {
    "conversation_person": ("keepgoing_conversation_writer", "conversation_id"),
    "win_person": ("keepgoing_win_writer", "win_id"),
}


@dataclass
class Roles:
    """A team store's three roles: the tables' owner, workers and managers."""

    owner: str
    worker: str
    manager: str


def roles_for(database: str) -> Roles:
    return Roles(f"{database}_owner", f"{database}_worker", f"{database}_manager")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _database(store: Store) -> str:
    return str(store.value("SELECT current_database()"))


def _require_server(store: Store) -> None:
    if store.dialect != "postgresql":
        raise BadInput(
            "Team roles need a PostgreSQL store; a local store is one person's. "
            "Point --db or KEEPGOING_DB at the team's database."
        )


def _worker_condition(table: str) -> str:
    rule = PERSONAL[table]
    if rule == "person":
        return f"EXISTS (SELECT 1 FROM person p WHERE p.id = {table}.person_id)"
    return rule


@dataclass
class Initialised:
    """What `team init` did: roles, tables protected, people given a worker, and whether it ran before."""

    roles: Roles
    tables: list[str]
    caseload: int
    already: bool


def init_team(store: Store, *, worker: str | None = None) -> Initialised:
    """Make the roles, hand the tables to the owner role, and turn on row-level security."""
    _require_server(store)
    roles = roles_for(_database(store))
    me = str(store.value("SELECT current_user"))
    with store.write():
        if not store.value("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"):
            raise BadInput(
                f"{me} may not create roles: keepgoing team init is run by whoever looks after the database."
            )
        if worker is not None:
            _login_role(store, worker)
        already = bool(store.value("SELECT count(*) FROM pg_roles WHERE rolname = :r", {"r": roles.owner}))
        for role in (roles.owner, roles.worker, roles.manager):
            if not store.value("SELECT count(*) FROM pg_roles WHERE rolname = :r", {"r": role}):
                store.run(f"CREATE ROLE {quote(role)} NOLOGIN")
        owner, workers, managers = quote(roles.owner), quote(roles.worker), quote(roles.manager)
        # The one who set it up looks after it: owns through the owner role, sees as a manager.
        store.run(f"GRANT {owner}, {managers} TO {quote(me)}")
        store.run(f"GRANT CONNECT ON DATABASE {quote(_database(store))} TO {workers}, {managers}")
        store.run(f"GRANT USAGE ON SCHEMA public TO {workers}, {managers}")
        store.run(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}")  # an owner must be able to create
        tables = [*PERSONAL, *NOT_PERSONAL]
        for table in tables:
            store.run(f"ALTER TABLE {table} OWNER TO {owner}")
            store.run(f"REVOKE ALL ON {table} FROM PUBLIC")
        store.run(f"GRANT SELECT ON alembic_version TO {workers}, {managers}")
        store.run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON community_group TO {workers}, {managers}")
        # Everyone scores in the organisation's measures; managers add and remove them (a licence is theirs).
        store.run(f"GRANT SELECT ON measure TO {workers}, {managers}")
        store.run(f"GRANT INSERT, UPDATE, DELETE ON measure TO {managers}")
        # An erasure by anyone asks the owner's next command to rewrite the tables (see PostgresStore.scrub).
        store.run(f"GRANT SELECT, INSERT ON pending_cleanup TO {workers}, {managers}")
        # A worker's new rows take the next number; only a manager (import, copy) moves a
        # sequence past numbers a file brought (setval needs UPDATE).
        store.run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {workers}")
        store.run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {workers}")
        store.run(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {managers}")
        # What only a manager may run at all (retention, import, copy): keepgoing asks the
        # database first, and a worker's role has no EXECUTE on it.
        store.run(
            f"CREATE OR REPLACE FUNCTION {MANAGERS_ONLY_FUNCTION}() RETURNS boolean LANGUAGE sql "
            "STABLE AS $$ SELECT true $$"
        )
        store.run(f"ALTER FUNCTION {MANAGERS_ONLY_FUNCTION}() OWNER TO {owner}")
        store.run(f"REVOKE ALL ON FUNCTION {MANAGERS_ONLY_FUNCTION}() FROM PUBLIC")
        store.run(f"GRANT EXECUTE ON FUNCTION {MANAGERS_ONLY_FUNCTION}() TO {managers}")
        for function, parent in (
            ("keepgoing_conversation_writer", "conversation"),
            ("keepgoing_win_writer", "win"),
        ):
            store.run(
                f"CREATE OR REPLACE FUNCTION {function}(integer) RETURNS text LANGUAGE sql STABLE "
                "SECURITY DEFINER SET search_path = public, pg_temp "
                f"AS $$ SELECT logged_by FROM {parent} WHERE id = $1 $$"
            )
            store.run(f"ALTER FUNCTION {function}(integer) OWNER TO {owner}")
            store.run(f"REVOKE ALL ON FUNCTION {function}(integer) FROM PUBLIC")
            store.run(f"GRANT EXECUTE ON FUNCTION {function}(integer) TO {workers}, {managers}")
        # The people this login logged a conversation with lately: run as the owner, since
        # a policy on person cannot read conversation_person (whose policy reads person).
        # Called once per statement (`id IN (SELECT ...)`), never per row; it reads the
        # index on conversation (logged_by, occurred_at).
        store.run(
            "CREATE OR REPLACE FUNCTION keepgoing_recent_people() RETURNS SETOF integer "
            "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$ "
            "SELECT DISTINCT cp.person_id FROM conversation c "
            "JOIN conversation_person cp ON cp.conversation_id = c.id "
            f"WHERE c.logged_by = session_user AND c.occurred_at > now() - interval '{RECENT}' "
            # A caseload handed over takes this view with it: what the old key worker logged
            # before the hand-over no longer shows them the person (the audit says when).
            "AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.person_id = cp.person_id "
            f"AND a.action = {_literal(HANDED_OVER)} AND a.records = 'from ' || session_user "
            "AND a.at >= c.created_at) $$"
        )
        store.run(f"ALTER FUNCTION keepgoing_recent_people() OWNER TO {owner}")
        store.run("REVOKE ALL ON FUNCTION keepgoing_recent_people() FROM PUBLIC")
        store.run(f"GRANT EXECUTE ON FUNCTION keepgoing_recent_people() TO {workers}, {managers}")
        # Who wrote a row is never changed, only cleared (retention's anonymise).
        store.run(
            "CREATE OR REPLACE FUNCTION keepgoing_writer_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.logged_by IS NOT NULL AND NEW.logged_by IS DISTINCT FROM OLD.logged_by THEN "
            "RAISE EXCEPTION 'Who wrote a record is never changed (it may only be cleared).' "
            "USING ERRCODE = 'insufficient_privilege'; END IF; RETURN NEW; END $$"
        )
        store.run(f"ALTER FUNCTION keepgoing_writer_kept() OWNER TO {owner}")
        for table in PERSONAL:
            if table in OWN_ROWS:
                _protect_own_rows(store, table, roles)
            else:
                _protect(store, table, roles)
        _audit_writes(store, roles)
        # A lasting note written without naming its writer (a merge's) is the login role's.
        store.run("ALTER TABLE person_note ALTER COLUMN logged_by SET DEFAULT current_user")
        caseload = 0
        if worker is not None:
            caseload = store.run(
                "UPDATE person SET worker = :w WHERE worker IS NULL OR worker NOT IN "
                "(SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
                "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN (:wg, :mg))",
                {"w": worker, "wg": roles.worker, "mg": roles.manager},
            )
            store.run(f"GRANT {workers} TO {quote(worker)}")
    return Initialised(roles, [*PERSONAL], caseload, already)


def _protect(store: Store, table: str, roles: Roles) -> None:
    workers, managers = quote(roles.worker), quote(roles.manager)
    columns = [
        str(r["column_name"])
        for r in store.rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position",
            {"t": table},
        )
    ]
    changeable = [c for c in columns if c not in FIXED_COLUMNS]
    store.run(f"GRANT SELECT, INSERT, DELETE ON {table} TO {workers}, {managers}")
    if table in MANAGERS_DELETE:
        store.run(f"REVOKE DELETE ON {table} FROM {workers}")
    store.run(f"REVOKE UPDATE ON {table} FROM {workers}, {managers}")
    # A manager may also clear who wrote a row (retention's anonymise), never put a stranger there.
    managed = [*changeable, *(["logged_by"] if table in LOGGED_BY else [])]
    store.run(f"GRANT UPDATE ({', '.join(map(quote, managed))}) ON {table} TO {managers}")
    kept = MANAGERS_ONLY.get(table, ())
    store.run(
        f"GRANT UPDATE ({', '.join(quote(c) for c in changeable if c not in kept)}) ON {table} TO {workers}"
    )
    store.run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    store.run(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for row in store.rows("SELECT policyname FROM pg_policies WHERE tablename = :t", {"t": table}):
        store.run(f"DROP POLICY {quote(str(row['policyname']))} ON {table}")
    sees = _worker_condition(table)
    writes = ADDS.get(table, sees)
    if table in LOGGED_BY:
        writes = f"({sees}) AND logged_by = current_user"
    if table in WRITER_OF:
        # Only the one who logged a conversation (or win) says who was there: tying their own
        # person to a colleague's conversation must not make its note readable to a worker.
        function, key = WRITER_OF[table]
        writes = f"({sees}) AND {function}({key}) = current_user"
    store.run(f"CREATE POLICY worker_reads ON {table} FOR SELECT TO {workers} USING ({sees})")
    store.run(f"CREATE POLICY worker_adds ON {table} FOR INSERT TO {workers} WITH CHECK ({writes})")
    store.run(
        f"CREATE POLICY worker_changes ON {table} FOR UPDATE TO {workers} USING ({sees}) WITH CHECK ({sees}"
        + (" AND (amended_by IS NULL OR amended_by = current_user)" if table == "conversation" else "")
        + ")"
    )
    store.run(f"CREATE POLICY worker_removes ON {table} FOR DELETE TO {workers} USING ({sees})")
    logged = _team_member(roles) if table in LOGGED_BY else "true"
    # The owner role, which only whoever looks after the database may become, for migrations.
    store.run(f"CREATE POLICY owner_all ON {table} TO {quote(roles.owner)} USING (true) WITH CHECK (true)")
    store.run(f"CREATE POLICY manager_reads ON {table} FOR SELECT TO {managers} USING (true)")
    store.run(f"CREATE POLICY manager_adds ON {table} FOR INSERT TO {managers} WITH CHECK ({logged})")
    store.run(f"CREATE POLICY manager_changes ON {table} FOR UPDATE TO {managers} USING (true)")
    if table in LOGGED_BY:
        store.run(f"DROP TRIGGER IF EXISTS writer_kept ON {table}")
        store.run(
            f"CREATE TRIGGER writer_kept BEFORE UPDATE OF logged_by ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION keepgoing_writer_kept()"
        )
    store.run(f"CREATE POLICY manager_removes ON {table} FOR DELETE TO {managers} USING (true)")


def _protect_own_rows(store: Store, table: str, roles: Roles) -> None:
    """A share or an audit entry: a worker reads their own; only a manager shares."""
    workers, managers = quote(roles.worker), quote(roles.manager)
    worker_may, manager_may = OWN_ROWS[table]
    store.run(f"GRANT {', '.join(worker_may)} ON {table} TO {workers}")
    store.run(f"GRANT {', '.join(manager_may)} ON {table} TO {managers}")
    store.run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    store.run(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for row in store.rows("SELECT policyname FROM pg_policies WHERE tablename = :t", {"t": table}):
        store.run(f"DROP POLICY {quote(str(row['policyname']))} ON {table}")
    own, mine = PERSONAL[table], f"{WRITTEN_BY[table]} = current_user"
    store.run(f"CREATE POLICY owner_all ON {table} TO {quote(roles.owner)} USING (true) WITH CHECK (true)")
    store.run(f"CREATE POLICY worker_reads ON {table} FOR SELECT TO {workers} USING ({own})")
    if "INSERT" in worker_may:
        store.run(f"CREATE POLICY worker_adds ON {table} FOR INSERT TO {workers} WITH CHECK ({own})")
    store.run(f"CREATE POLICY manager_reads ON {table} FOR SELECT TO {managers} USING (true)")
    store.run(f"CREATE POLICY manager_adds ON {table} FOR INSERT TO {managers} WITH CHECK ({mine})")
    if "DELETE" in manager_may:
        store.run(f"CREATE POLICY manager_removes ON {table} FOR DELETE TO {managers} USING (true)")


# One audit entry per row written, whoever writes it (keepgoing or psql): the table, the
# operation, the person, the row's numbers and the names of the columns changed, never a
# value. `keepgoing.command` is what keepgoing says it is running (empty in psql).
AUDIT_COMMAND = "nullif(current_setting('keepgoing.command', true), '')"
_AUDIT_WRITE = rf"""
CREATE OR REPLACE FUNCTION keepgoing_audit_write() RETURNS trigger LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
    r jsonb;
    changed text;
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT string_agg(n.key, ', ' ORDER BY n.key) INTO changed FROM jsonb_each(r) n
        WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;
        IF changed IS NULL THEN RETURN NULL; END IF;
    END IF;
    INSERT INTO audit (command, action, person_id, records) VALUES (
        {AUDIT_COMMAND},
        lower(TG_OP) || ' ' || TG_TABLE_NAME,
        (CASE WHEN TG_TABLE_NAME = 'person' THEN r ->> 'id' ELSE r ->> 'person_id' END)::integer,
        left(concat_ws('; ',
            (SELECT string_agg(k.key || ' ' || k.value, ', ' ORDER BY k.key) FROM jsonb_each_text(r) k
             WHERE k.key = 'id' OR k.key LIKE '%\_id'),
            'changed ' || changed), 2000));
    RETURN NULL;
END $$"""


def _audit_writes(store: Store, roles: Roles) -> None:
    """The audit's defaults (now, the role), a trigger on every table that holds personal
    data, and the one that keeps the audit append-only for everyone but the owner."""
    owner = quote(roles.owner)
    store.run(
        "ALTER TABLE audit ALTER COLUMN at SET DEFAULT now(), ALTER COLUMN role SET DEFAULT current_user"
    )
    store.run(_AUDIT_WRITE)
    store.run(
        "CREATE OR REPLACE FUNCTION keepgoing_audit_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF NOT pg_has_role(current_user, {_literal(roles.owner)}, 'USAGE') THEN "
        "RAISE EXCEPTION 'The audit trail is append-only: only the owner of the store may change it.' "
        "USING ERRCODE = 'insufficient_privilege'; END IF; RETURN NULL; END $$"
    )
    for function in ("keepgoing_audit_write", "keepgoing_audit_kept"):
        store.run(f"ALTER FUNCTION {function}() OWNER TO {owner}")
    store.run("DROP TRIGGER IF EXISTS audit_kept ON audit")
    store.run(
        "CREATE TRIGGER audit_kept BEFORE UPDATE OR DELETE OR TRUNCATE ON audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION keepgoing_audit_kept()"
    )
    for table in PERSONAL:
        if table == "audit":
            continue
        store.run(f"DROP TRIGGER IF EXISTS audit_writes ON {table}")
        store.run(
            f"CREATE TRIGGER audit_writes AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION keepgoing_audit_write()"
        )


def _login_role(store: Store, role: str) -> None:
    row = store.row("SELECT rolcanlogin FROM pg_roles WHERE rolname = :r", {"r": role})
    if row is None:
        raise BadInput(
            f"There is no database role {role}: create it first (CREATE ROLE {quote(role)} LOGIN), "
            "then add it."
        )
    if not row["rolcanlogin"]:
        raise BadInput(f"The database role {role} cannot log in, so it cannot be a worker.")


def team_roles(store: Store) -> Roles:
    """This store's roles; refused plainly when `team init` has not been run."""
    _require_server(store)
    roles = roles_for(_database(store))
    if not store.value("SELECT count(*) FROM pg_roles WHERE rolname = :r", {"r": roles.worker}):
        raise BadInput("This store is not set up for a team yet: run keepgoing team init first.")
    return roles


def require_team_role(store: Store, role: str) -> None:
    """Refuse plainly a role that is not a worker or manager in this team store."""
    roles = team_roles(store)
    if not store.value(
        "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :r AND g.rolname IN (:wg, :mg)",
        {"r": role, "wg": roles.worker, "mg": roles.manager},
    ):
        raise BadInput(f"{role} is not a worker or manager in this team store (keepgoing team workers).")


def add_worker(store: Store, role: str, *, name: str | None = None, manager: bool = False) -> Roles:
    """Let an existing LOGIN role in, as a worker or a manager; `name` is shown beside it."""
    roles = team_roles(store)
    with store.write():
        _login_role(store, role)
        group = roles.manager if manager else roles.worker
        store.run(f"GRANT {quote(group)} TO {quote(role)}")
        if name is not None:
            shown = name.strip()
            if not shown or not shown.isprintable():
                raise BadInput("A display name needs some printable words.")
            store.run(f"COMMENT ON ROLE {quote(role)} IS {_literal(shown)}")
    return roles


def workers(store: Store) -> list[dict[str, Any]]:
    """Everyone who may use the store: role, display name, worker or manager, and caseload size."""
    roles = team_roles(store)
    # Whoever looks after the store (a member of the owner role) is not listed.
    rows = store.rows(
        "SELECT r.rolname AS role, shobj_description(r.oid, 'pg_authid') AS name, "
        "bool_or(g.rolname = :mg) AS manager, "
        "(SELECT count(*) FROM person p WHERE p.worker = r.rolname) AS caseload "
        "FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE g.rolname IN (:wg, :mg) AND r.rolcanlogin AND NOT pg_has_role(r.oid, :og, 'MEMBER') "
        "GROUP BY r.rolname, r.oid ORDER BY r.rolname",
        {"wg": roles.worker, "mg": roles.manager, "og": roles.owner},
    )
    return [
        {
            "role": str(r["role"]),
            "name": r["name"],
            "manager": bool(r["manager"]),
            "caseload": int(r["caseload"]),
        }
        for r in rows
    ]


def leave(store: Store, role: str) -> Roles:
    """Take a role out of the team: refused while anyone or any open follow-up is still theirs."""
    roles = team_roles(store)
    with store.write():
        member = store.value(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :r AND g.rolname IN (:wg, :mg)",
            {"r": role, "wg": roles.worker, "mg": roles.manager},
        )
        if not member:
            raise BadInput(f"{role} is not a worker or manager in this team store; nothing changed.")
        people = int(store.value("SELECT count(*) FROM person WHERE worker = :r", {"r": role}))
        follow_ups = int(
            store.value(
                "SELECT count(*) FROM follow_up WHERE worker = :r AND done_at IS NULL AND cancelled_at IS NULL",
                {"r": role},
            )
        )
        if people or follow_ups:
            from keepgoing.text import plural

            held = " and ".join(
                plural(n, what) for n, what in ((people, "person"), (follow_ups, "open follow-up")) if n
            )
            raise BadInput(
                f"{role} still has {held} in their caseload: hand them over first "
                f"(keepgoing handover --from {role} --to ROLE)."
            )
        store.run(f"REVOKE {quote(roles.worker)}, {quote(roles.manager)} FROM {quote(role)}")
    return roles


def share(store: Store, person_id: int, role: str, *, now: Any, stop: bool = False) -> bool:
    """A manager lets a worker see one person who is not in their caseload (or stops it).
    True when something changed. The database refuses a worker's share whatever keepgoing says."""
    roles = team_roles(store)
    require_manager(store, "share a person")
    with store.write():
        if not store.value(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = :r AND g.rolname = :wg",
            {"r": role, "wg": roles.worker},
        ):
            raise BadInput(
                f"{role} is not a worker in this team store (keepgoing team workers); nothing changed."
            )
        if stop:
            return (
                store.run(
                    "DELETE FROM person_share WHERE person_id = :p AND role = :r", {"p": person_id, "r": role}
                )
                > 0
            )
        return (
            store.run(
                "INSERT INTO person_share (person_id, role, shared_at, shared_by) "
                "VALUES (:p, :r, :now, current_user) ON CONFLICT DO NOTHING",
                {"p": person_id, "r": role, "now": now},
            )
            > 0
        )


def managers_only(store: Store, what: str) -> None:
    """Ask the database whether this login may do what only a manager may (retention, import,
    copy): a worker's role has no EXECUTE on the function, so the database itself refuses,
    whatever keepgoing's own check said. Nothing to ask in a store without `team init`."""
    login = getattr(store, "team_worker", None)
    if login is None:
        return
    from keepgoing.errors import StoreError

    try:
        store.value(f"SELECT {MANAGERS_ONLY_FUNCTION}()")
    except StoreError:
        raise BadInput(
            f"Only a manager may {what} in this team store; the database refused {login}."
        ) from None


def require_manager(store: Store, what: str) -> None:
    """In a team store, refuse a worker plainly what only a manager may do (the database would
    show them only their own part of it, or refuse the writes)."""
    login = getattr(store, "team_worker", None)
    if login is None:
        return
    roles = roles_for(_database(store))
    if not store.value("SELECT pg_has_role(current_user, :m, 'MEMBER')", {"m": roles.manager}):
        raise BadInput(f"Only a manager may {what} in this team store; {login} is a worker.")


def team_role_names(store: Store) -> list[str]:
    """The team's login roles (workers and managers); none on SQLite, or before `team init`."""
    if store.dialect != "postgresql":
        return []
    roles = roles_for(_database(store))
    rows = store.rows(
        "SELECT DISTINCT r.rolname AS role FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN (:wg, :mg) AND r.rolcanlogin",
        {"wg": roles.worker, "mg": roles.manager},
    )
    return [str(r["role"]) for r in rows]
