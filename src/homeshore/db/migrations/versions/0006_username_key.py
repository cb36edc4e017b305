"""users.username_key: user names are unique whatever their case (``Admin`` is ``admin``)

Accounts whose names differ only in case are kept: the oldest keeps its name, each newer
one is renamed ``<name>-<id>`` (printed, so the administrator can tell its user).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 10:00:00
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_NAME_LENGTH = 100


def _key(username: str) -> str:
    # homeshore.db.tables.username_key as of this revision
    return username.casefold()


def upgrade() -> None:
    # NOT NULL with a default: SQLite adds such a column in place (rebuilding the table
    # would trip the foreign keys of sessions and supervisor_teams)
    op.add_column(
        "users",
        sa.Column("username_key", sa.String(length=300), nullable=False, server_default=""),
    )
    users = sa.table(
        "users",
        sa.column("id", sa.BigInteger()),
        sa.column("username", sa.String()),
        sa.column("username_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all()
    wanted = {_key(name) for _, name in rows}
    taken: set[str] = set()
    for user_id, name in rows:
        new_name = name
        if _key(name) in taken:
            new_name = _free_name(name, user_id, taken | wanted)
            print(
                f"homeshore: user names are now unique whatever their case: {name!r} "
                f"(id {user_id}) is renamed {new_name!r}",
                file=sys.stderr,
            )
        taken.add(_key(new_name))
        bind.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(username=new_name, username_key=_key(new_name))
        )
    if bind.dialect.name != "sqlite":
        op.alter_column("users", "username_key", server_default=None)
    op.create_index("ix_users_username_key", "users", ["username_key"], unique=True)


def _free_name(name: str, user_id: int, used: set[str]) -> str:
    n = 1
    while True:
        suffix = f"-{user_id}" if n == 1 else f"-{user_id}-{n}"
        candidate = name[: _NAME_LENGTH - len(suffix)] + suffix
        if _key(candidate) not in used:
            return candidate
        n += 1


def downgrade() -> None:
    op.drop_index("ix_users_username_key", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("username_key")
