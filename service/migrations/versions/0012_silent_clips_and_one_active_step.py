"""silent clips and one active step

Revision ID: 0012
Revises: 0011
A clip in which no speech was found keeps its talk row with no figures (the figure columns may
be empty): existing rows measured with no speech at all (0 % talk) lose their made-up zeros, so
trends leave them out. An ECT works on one action step at a time: where an ECT has more than one
step still active (set before that was enforced), the newest stays active and each older one is
closed as moved on, at the time the step after it was set.
Create Date: 2026-12-15 09:00:00
"""

from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FIGURES = ("speech_share", "longest_stretch", "words_per_minute")


def upgrade() -> None:
    with op.batch_alter_table("clip_talk", schema=None) as batch_op:
        for name in FIGURES:
            batch_op.alter_column(name, existing_type=sa.Double(), nullable=True)
        batch_op.alter_column("questions", existing_type=sa.Integer(), nullable=True)
    op.execute(
        "UPDATE clip_talk SET speech_share = NULL, longest_stretch = NULL, questions = NULL, "
        "median_wait = NULL, words_per_minute = NULL, teacher_share = NULL "
        "WHERE speech_share <= 0"
    )
    _close_older_active_steps()


def _close_older_active_steps() -> None:
    connection = op.get_bind()
    steps = sa.table(
        "action_steps",
        sa.column("id", sa.Integer()),
        sa.column("ect_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("closed_at", sa.DateTime(timezone=True)),
    )
    active = connection.execute(
        sa.select(steps.c.id, steps.c.ect_id, steps.c.created_at)
        .where(steps.c.status == "active")
        .order_by(steps.c.ect_id, steps.c.created_at, steps.c.id)
    ).all()
    for older, newer in pairwise(active):
        if older.ect_id == newer.ect_id:
            connection.execute(
                sa.update(steps)
                .where(steps.c.id == older.id)
                .values(status="moved_on", closed_at=newer.created_at)
            )


def downgrade() -> None:
    # The steps closed on the way up stay closed: nothing tells them from steps closed by hand.
    op.execute(
        "UPDATE clip_talk SET speech_share = 0, longest_stretch = 0, questions = 0, "
        "words_per_minute = 0 WHERE speech_share IS NULL"
    )
    with op.batch_alter_table("clip_talk", schema=None) as batch_op:
        for name in FIGURES:
            batch_op.alter_column(name, existing_type=sa.Double(), nullable=False)
        batch_op.alter_column("questions", existing_type=sa.Integer(), nullable=False)
