"""Putting mistakes right: who amended a conversation, ideas that outlive their author, group channels.

Revision ID: 0005_corrections
Revises: 0004_team

`conversation.amended_by/amended_at` record a correction made with
`keepgoing amend` (a team can see who changed a colleague's record).
`idea.person_id` becomes optional: an idea the organisation took up stays
when the person who raised it is forgotten, unlinked and redacted.
`community_group.via` is how a group meets, so a session never takes one
member's preferred channel.

On SQLite, a second FTS5 index, `search_more`, covers follow-ups, ideas,
lasting notes and wins, kept in step by triggers like `search_text`
(document rowid = source id * 4 + kind), so `keepgoing search` finds a
promise or a win as it finds a conversation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_corrections"
down_revision = "0004_team"
branch_labels = None
depends_on = None

Text = sa.String
When = sa.DateTime(timezone=True)


# table -> (rowid offset, kind, the searchable text of a row called R)
INDEXED = {
    "follow_up": (0, "follow-up", "coalesce(R.text, '')"),
    "idea": (1, "idea", "coalesce(R.text, '') || ' ' || coalesce(R.outcome, '')"),
    "person_note": (2, "note", "coalesce(R.text, '')"),
    "win": (3, "win", "coalesce(R.text, '')"),
}


def _insert(table: str, row: str) -> str:
    offset, kind, body = INDEXED[table]
    return (
        "INSERT INTO search_more (rowid, kind, ref, body) "
        f"VALUES ({row}.id * 4 + {offset}, '{kind}', {row}.id, {body.replace('R.', row + '.')});"
    )


def _delete(table: str, row: str) -> str:
    return f"DELETE FROM search_more WHERE rowid = {row}.id * 4 + {INDEXED[table][0]};"


def upgrade() -> None:
    op.add_column("conversation", sa.Column("amended_by", Text(length=200), nullable=True))
    op.add_column("conversation", sa.Column("amended_at", When, nullable=True))
    op.add_column("community_group", sa.Column("via", Text(length=10), nullable=True))
    # SQLite cannot relax NOT NULL in place: batch mode rebuilds the table (idea has no triggers).
    with op.batch_alter_table("idea") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE search_more USING fts5("
        "kind UNINDEXED, ref UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, (offset, kind, body) in INDEXED.items():
        op.execute(
            f"CREATE TRIGGER search_{table}_ai AFTER INSERT ON {table} BEGIN {_insert(table, 'NEW')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_au AFTER UPDATE ON {table} BEGIN "
            f"{_delete(table, 'OLD')} {_insert(table, 'NEW')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_ad AFTER DELETE ON {table} BEGIN {_delete(table, 'OLD')} END"
        )
        op.execute(
            "INSERT INTO search_more (rowid, kind, ref, body) "
            f"SELECT R.id * 4 + {offset}, '{kind}', R.id, {body} FROM {table} R"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in INDEXED:
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_{table}_{suffix}")
        op.execute("DROP TABLE IF EXISTS search_more")
    op.execute("DELETE FROM idea WHERE person_id IS NULL")
    with op.batch_alter_table("idea") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("community_group") as batch:
        batch.drop_column("via")
    with op.batch_alter_table("conversation") as batch:
        batch.drop_column("amended_at")
        batch.drop_column("amended_by")
