"""readiness_checks.path: what a readiness check measured (the call's media path through the
relay, or the websocket fallback; None for checks stored before)

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


def downgrade() -> None:
    with op.batch_alter_table("readiness_checks", schema=None) as batch_op:
        batch_op.drop_column("path")
