"""Erasure on a team store: a physical clean-up the tables' owner finishes.

Revision ID: 0008_pending_cleanup
Revises: 0007_numbers_and_times

On PostgreSQL only the owner of a table may VACUUM FULL it, which is what
overwrites a forgotten person's rows on disk. When a worker who does not own
the tables erases something, `pending_cleanup` records it (when, and which
role), and the owner's next keepgoing command runs the VACUUM FULL. Every
role that can use the store may add a row (it holds nothing about anyone).
On SQLite the table stays empty: a local file is rebuilt at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_pending_cleanup"
down_revision = "0007_numbers_and_times"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_cleanup",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("GRANT SELECT, INSERT ON pending_cleanup TO PUBLIC")
        op.execute("GRANT USAGE ON SEQUENCE pending_cleanup_id_seq TO PUBLIC")


def downgrade() -> None:
    op.drop_table("pending_cleanup")
