"""Tries that did not reach someone, and follow-ups kept when cancelled.

Revision ID: 0009_attempts_and_followups
Revises: 0008_pending_cleanup

`conversation.reached` is false for a try that did not reach them
(`log --no-answer`): it is recorded and shown, but it is not contact, so it
never moves the rhythm. Every conversation already logged reached them.
`follow_up.cancelled_at` and `cancelled_by` keep a cancelled follow-up (it
was deleted before). Columns are added in place (no table is rebuilt), so
SQLite's AUTOINCREMENT and the search triggers stay as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_attempts_and_followups"
down_revision = "0008_pending_cleanup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "conversation", sa.Column("reached", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("follow_up", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("follow_up", sa.Column("cancelled_by", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Rows the older schema cannot tell apart go: tries that reached nobody, cancelled follow-ups.
    op.execute("DELETE FROM conversation WHERE NOT reached")
    op.execute("DELETE FROM follow_up WHERE cancelled_at IS NOT NULL")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): no rebuild, AUTOINCREMENT kept.
    for table, column in (
        ("follow_up", "cancelled_by"),
        ("follow_up", "cancelled_at"),
        ("conversation", "reached"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
