"""intraday: the day's forecast, offers of extra time or time off, and the replies

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from homeshore.db.types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "forecast_intervals",
        sa.Column("queue_id", sa.String(length=64), primary_key=True),
        sa.Column("start", UtcDateTime(), primary_key=True),
        sa.Column("interval_min", sa.Integer(), nullable=False),
        sa.Column("volume", sa.Float(), nullable=False),
        sa.Column("volume_p10", sa.Float(), nullable=False),
        sa.Column("volume_p50", sa.Float(), nullable=False),
        sa.Column("volume_p90", sa.Float(), nullable=False),
        sa.Column("aht_s", sa.Float(), nullable=False),
    )
    op.create_table(
        "intraday_offers",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("queue_id", sa.String(length=64), nullable=False),
        sa.Column("start", UtcDateTime(), nullable=False),
        sa.Column("end", UtcDateTime(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_intraday_offers_state", "intraday_offers", ["state", "deadline"])
    op.create_table(
        "intraday_offer_recipients",
        sa.Column("offer_id", _ID, sa.ForeignKey("intraday_offers.id"), primary_key=True),
        sa.Column("agent_id", sa.String(length=64), primary_key=True),
        sa.Column("location", sa.String(length=16), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("reply", sa.String(length=16), nullable=True),
        sa.Column("replied_at", UtcDateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index(
        "ix_offer_recipients_agent", "intraday_offer_recipients", ["agent_id", "offer_id"]
    )


def downgrade() -> None:
    op.drop_table("intraday_offer_recipients")
    op.drop_table("intraday_offers")
    op.drop_table("forecast_intervals")
