"""Equality monitoring: a person's consent to it, and their dated answers.

Revision ID: 0017_monitoring
Revises: 0016_pause_reason

`monitoring_consent` holds a person's consent to equality monitoring (apart
from their consent to be contacted); `monitoring` holds their answers, one
row per day they were asked (age band, gender, ethnicity, disability,
postcode district; empty means "not asked"). Both are personal: a team
store gives them the person policy (storage/team.py), and both go with the
person when they are forgotten.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_monitoring"
down_revision = "0016_pause_reason"
branch_labels = None
depends_on = None


def _person() -> sa.Column[int]:
    return sa.Column(
        "person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "monitoring_consent",
        _person(),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
    )
    op.create_table(
        "monitoring",
        _person(),
        sa.Column("asked_on", sa.Date(), primary_key=True),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("ethnicity", sa.String(length=40), nullable=True),
        sa.Column("disability", sa.String(length=20), nullable=True),
        sa.Column("postcode_district", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("monitoring")
    op.drop_table("monitoring_consent")
