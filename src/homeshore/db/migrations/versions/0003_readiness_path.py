"""readiness_checks.path: what a readiness check measured (the call's media path through the
relay, or the websocket fallback; None for checks stored before); readiness_checks.setup:
the home set-up the advisor declared; agents.readiness_due: why an advisor's home set-up
must be checked again before the next shift from home

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("readiness_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("path", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("setup", sa.JSON(), nullable=True))
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("readiness_due", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_column("readiness_due")
    with op.batch_alter_table("readiness_checks", schema=None) as batch_op:
        batch_op.drop_column("setup")
        batch_op.drop_column("path")
