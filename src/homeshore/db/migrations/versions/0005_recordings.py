"""recordings: recorded calls' audio files and when the purge deletes them;
contacts.callback_of: the contact a call placed by an advisor calls back

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from homeshore.db.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("callback_of", sa.BigInteger(), nullable=True))
    op.create_table(
        "recordings",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("contact_id", _ID, sa.ForeignKey("contacts.id"), nullable=False, unique=True),
        sa.Column("agent_id", sa.String(length=64), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("queue_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_recordings_team_id", "recordings", ["team_id"])
    op.create_index("ix_recordings_expires_at", "recordings", ["expires_at"])


def downgrade() -> None:
    op.drop_table("recordings")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("callback_of")
