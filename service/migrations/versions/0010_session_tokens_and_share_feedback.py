"""session tokens and shares with feedback

Revision ID: 0010
Revises: 0009
Each user gets a session token that signing out, changing the password and deactivation
replace, so an old session cookie stops working (every existing user gets a fresh one: they
sign in again). A share records whether the mentor's feedback goes with the clip (no, for every
existing share, as before).
Create Date: 2026-12-07 03:05:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_token", sa.String(length=64), nullable=False, server_default="")
        )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token", sa.String))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(
            users.update().where(users.c.id == user_id).values(session_token=secrets.token_hex(32))
        )
    with op.batch_alter_table("clip_shares", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("includes_feedback", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("clip_shares", schema=None) as batch_op:
        batch_op.drop_column("includes_feedback")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_token")
