"""Why someone is paused.

Revision ID: 0016_pause_reason
Revises: 0015_ideas_told

`person.pause_reason` holds the reason given with `pause --until W --reason
TEXT` ("in hospital"); `resume` clears it. The column is added in place (no
table is rebuilt), so SQLite's AUTOINCREMENT and the search triggers stay as
they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_pause_reason"
down_revision = "0015_ideas_told"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("pause_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): no rebuild, AUTOINCREMENT kept.
    op.execute("ALTER TABLE person DROP COLUMN pause_reason")
