"""Wellbeing measures: ONS4 built in, and an organisation's own licensed measures.

Revision ID: 0012_measures
Revises: 0011_team

`measure` holds the measures added with `keepgoing measure add FILE` (the
TOML file as JSON, and its licence line); ONS4 is built in and has no row.
`measure_score` holds one row per item answered (and one for the total,
item "total") of a measure given in a conversation by one person; it goes
with the conversation and with the person.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_measures"
down_revision = "0011_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("name_key", sa.String(length=60), nullable=False, unique=True),
        sa.Column("definition", sa.String(length=100000), nullable=False),
        sa.Column("licence", sa.String(length=2000), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "measure_score",
        sa.Column(
            "conversation_id",
            sa.Integer(),
            sa.ForeignKey("conversation.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("measure", sa.String(length=60), primary_key=True),
        sa.Column("item", sa.String(length=60), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_measure_score_person", "measure_score", ["person_id", "measure"])
    op.create_index("ix_measure_score_measure", "measure_score", ["measure", "item"])


def downgrade() -> None:
    op.drop_table("measure_score")
    op.drop_table("measure")
