"""router_lease: which process routes, its address and the fencing token of its takeover

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from homeshore.db.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "router_lease",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("node", sa.String(length=500), nullable=False),
        sa.Column("since", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("router_lease")
