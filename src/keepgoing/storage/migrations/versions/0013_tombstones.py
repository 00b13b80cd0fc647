"""Erasure that stays erased: tombstones of forgotten people, and the store's own secret.

Revision ID: 0013_tombstones
Revises: 0012_measures

`forget` leaves a `tombstone`: keyed hashes (HMAC-SHA256) of the person's
names and aliases, email and phone, normalised, and the day. The key is a
random secret in `store_secret`, made on first need, so the hashes reveal
nothing outside the store. `import` and `copy` skip anyone matching a
tombstone. On a team store both tables are managers' only (storage/team.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_tombstones"
down_revision = "0012_measures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_secret",
        sa.Column("name", sa.String(length=60), primary_key=True),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "tombstone",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("forgotten_on", sa.Date(), nullable=False),
        sa.Column("digests", sa.String(length=20000), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tombstone")
    op.drop_table("store_secret")
