"""observations keep their clip's title

Revision ID: 0014
Revises: 0013
An observation logged from a clip keeps the clip's title, so that after the clip is deleted
(by its owner or by retention) the record still says it was made from a clip, and which one,
instead of reading as held in person.
Create Date: 2026-12-17 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clip_title", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE observations SET clip_title = "
        "(SELECT clips.title FROM clips WHERE clips.id = observations.clip_id) "
        "WHERE clip_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_column("clip_title")
