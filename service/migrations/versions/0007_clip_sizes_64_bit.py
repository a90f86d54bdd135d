"""clip sizes in 64 bits

Revision ID: 0007
Revises: 0006
An upload at the default 2 GiB limit is one byte past a 32-bit integer: clips.original_size
becomes a BIGINT (SQLite's INTEGER is already 64-bit, so nothing changes there).

Create Date: 2026-11-23 06:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table("clips") as batch:
        batch.alter_column(
            "original_size",
            existing_type=sa.Integer(),
            type_=sa.BigInteger(),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table("clips") as batch:
        batch.alter_column(
            "original_size",
            existing_type=sa.BigInteger(),
            type_=sa.Integer(),
            existing_nullable=False,
        )
