"""Numbers never reused, and a time of day kept as typed.

Revision ID: 0007_numbers_and_times
Revises: 0006_plain_name_keys

On SQLite, conversation, follow_up, idea, person_note and win are rebuilt
with AUTOINCREMENT, so that the number of a row removed (an unlogged
conversation, the highest follow-up) is never given out again; their ids,
indexes and search triggers are kept as they were. PostgreSQL's id
sequences never go back, so nothing changes there but the new column.

`conversation.time_given` says the user gave a time of day, so that the
time is shown (a bare day is stored at noon, or at the moment of logging).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_numbers_and_times"
down_revision = "0006_plain_name_keys"
branch_labels = None
depends_on = None

NUMBERED = ("conversation", "follow_up", "idea", "person_note", "win")


def _reflect_again(table: str) -> tuple[Any, ...]:
    """SQLAlchemy cannot read ON DELETE from the inline REFERENCES of migration 0003: say it again."""
    if table != "conversation":
        return ()
    return (sa.Column("group_id", sa.Integer(), sa.ForeignKey("community_group.id", ondelete="SET NULL")),)


def _time_given() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("time_given", sa.Boolean(), nullable=False, server_default=sa.false())


@contextmanager
def _rebuilt(table: str, **table_kwargs: bool) -> Iterator[Any]:
    """A SQLite table rebuilt by batch mode, its triggers (the search index's) kept as they are."""
    triggers = [
        row[0]
        for row in op.get_bind().exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name", (table,)
        )
    ]
    with op.batch_alter_table(
        table, recreate="always", table_kwargs=table_kwargs, reflect_args=_reflect_again(table)
    ) as batch:
        yield batch
    for sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.add_column("conversation", _time_given())
        return
    for table in NUMBERED:
        with _rebuilt(table, sqlite_autoincrement=True) as batch:
            if table == "conversation":
                batch.add_column(_time_given())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_column("conversation", "time_given")
        return
    with _rebuilt("conversation") as batch:
        batch.drop_column("time_given")
