"""talk analytics

Revision ID: 0009
Revises: 0008
The talk figures measured from each transcribed clip (clip_talk), whether an ECT shares them
with a mentor (off for every existing pairing), and how a school records its teachers' voices
(the camera's microphone alone, for every existing school).
Create Date: 2026-11-23 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clip_talk",
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Double(), nullable=False),
        sa.Column("speech_share", sa.Double(), nullable=False),
        sa.Column("longest_stretch", sa.Double(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("median_wait", sa.Double(), nullable=True),
        sa.Column("words_per_minute", sa.Double(), nullable=False),
        sa.Column("teacher_share", sa.Double(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clip_id"], ["clips.id"], name=op.f("fk_clip_talk_clip_id_clips"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("clip_id", name=op.f("pk_clip_talk")),
    )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("talk_shared", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "teacher_microphone", sa.String(length=16), nullable=False, server_default="none"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("teacher_microphone")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_column("talk_shared")
    op.drop_table("clip_talk")
