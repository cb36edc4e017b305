"""readiness_checks.source: where a check's figures come from ("measured" by the server on
its probe websocket, or "reported" only by a client, which never lets an advisor work from
home; None for checks stored before); readiness_checks.reported: with a measured check, the
figures the client reported too

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("readiness_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reported", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("readiness_checks", schema=None) as batch_op:
        batch_op.drop_column("reported")
        batch_op.drop_column("source")
