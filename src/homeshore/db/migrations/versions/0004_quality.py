"""Quality monitoring: evaluations (a manager scores a contact on a scenario form);
contacts.location and contacts.setup (where the advisor who answered worked, and its home
set-up); contacts.csat, csat_at and csat_source (the customer's satisfaction, 1-5)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from homeshore.db.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("setup", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("csat", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("csat_at", UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("csat_source", sa.String(length=16), nullable=True))
    op.create_table(
        "evaluations",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("contact_id", _ID, sa.ForeignKey("contacts.id"), nullable=False),
        sa.Column("agent_id", sa.String(length=64), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("queue_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("evaluator_user_id", sa.BigInteger(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("score_pct", sa.Float(), nullable=True),
        sa.Column("critical_failed", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("location", sa.String(length=16), nullable=True),
        sa.Column("setup", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_evaluations_contact_id", "evaluations", ["contact_id"])
    op.create_index("ix_evaluations_team_id", "evaluations", ["team_id"])
    op.create_index("ix_evaluations_agent_at", "evaluations", ["agent_id", "at"])


def downgrade() -> None:
    op.drop_table("evaluations")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for column in ("csat_source", "csat_at", "csat", "setup", "location"):
            batch_op.drop_column(column)
