"""Full-text search over notes, names, organisations, roles, aliases and tags.

Revision ID: 0002_search
Revises: 0001_initial

On SQLite an FTS5 index kept in step by triggers, so every write path (log,
edit, import, forget) updates it in the same transaction without knowing it
exists. Document rowids are derived from the source row (conversation id * 4,
person id * 4 + 1), so an update or delete touches exactly one document.
Other databases search with a portable scan instead (see core/search.py).
"""

from alembic import op

revision = "0002_search"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

PERSON_BODY = (
    "p.name || ' ' || coalesce(p.organisation, '') || ' ' || coalesce(p.role, '') || ' ' || "
    "coalesce(p.note, '') || ' ' || "
    "coalesce((SELECT group_concat(a.alias, ' ') FROM alias a WHERE a.person_id = p.id), '') || ' ' || "
    "coalesce((SELECT group_concat(t.tag, ' ') FROM person_tag t WHERE t.person_id = p.id), '')"
)


def _refresh_person(ref: str) -> str:
    return (
        f"DELETE FROM search_text WHERE rowid = {ref} * 4 + 1; "
        "INSERT INTO search_text (rowid, kind, ref, body) "
        f"SELECT p.id * 4 + 1, 'person', p.id, {PERSON_BODY} FROM person p WHERE p.id = {ref};"
    )


TRIGGERS = {
    "search_person_ai": f"AFTER INSERT ON person BEGIN {_refresh_person('NEW.id')} END",
    "search_person_au": "AFTER UPDATE OF name, organisation, role, note ON person "
    f"BEGIN {_refresh_person('NEW.id')} END",
    "search_person_ad": "AFTER DELETE ON person BEGIN DELETE FROM search_text WHERE rowid = OLD.id * 4 + 1; END",
    "search_alias_ai": f"AFTER INSERT ON alias BEGIN {_refresh_person('NEW.person_id')} END",
    "search_alias_ad": f"AFTER DELETE ON alias BEGIN {_refresh_person('OLD.person_id')} END",
    "search_tag_ai": f"AFTER INSERT ON person_tag BEGIN {_refresh_person('NEW.person_id')} END",
    "search_tag_ad": f"AFTER DELETE ON person_tag BEGIN {_refresh_person('OLD.person_id')} END",
    "search_conversation_ai": "AFTER INSERT ON conversation BEGIN "
    "INSERT INTO search_text (rowid, kind, ref, body) VALUES (NEW.id * 4, 'conversation', NEW.id, "
    "coalesce(NEW.note, '')); END",
    "search_conversation_au": "AFTER UPDATE OF note ON conversation BEGIN "
    "DELETE FROM search_text WHERE rowid = OLD.id * 4; "
    "INSERT INTO search_text (rowid, kind, ref, body) VALUES (NEW.id * 4, 'conversation', NEW.id, "
    "coalesce(NEW.note, '')); END",
    "search_conversation_ad": "AFTER DELETE ON conversation BEGIN "
    "DELETE FROM search_text WHERE rowid = OLD.id * 4; END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_text USING fts5("
        "kind UNINDEXED, ref UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute(
        "INSERT INTO search_text (rowid, kind, ref, body) "
        f"SELECT p.id * 4 + 1, 'person', p.id, {PERSON_BODY} FROM person p"
    )
    op.execute(
        "INSERT INTO search_text (rowid, kind, ref, body) "
        "SELECT c.id * 4, 'conversation', c.id, coalesce(c.note, '') FROM conversation c"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_text")
