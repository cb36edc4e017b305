"""schedule requests: an advisor's day worked elsewhere, or swapped with a colleague

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from homeshore.db.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "schedule_requests",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("colleague_id", sa.String(length=64), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_schedule_requests_agent", "schedule_requests", ["agent_id", "day"])
    op.create_index("ix_schedule_requests_colleague", "schedule_requests", ["colleague_id", "day"])
    op.create_index("ix_schedule_requests_state", "schedule_requests", ["state", "day"])


def downgrade() -> None:
    op.drop_table("schedule_requests")
