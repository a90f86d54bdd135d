"""blur review and touch-ups

Revision ID: 0011
Revises: 0010
A finished blur may wait for the uploader's check (the new blur status "review" needs no
schema change: the column is a plain string): the blurred video and poster waiting for it, and
the faces found per second. The uploader's touch-up regions (blur_regions), blurred by every
blur that follows. Two school settings: blur everything but the teacher, and share blurs
without the uploader's check (both off for every existing school).
Create Date: 2026-12-14 10:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blur_regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("start_s", sa.Double(), nullable=False),
        sa.Column("end_s", sa.Double(), nullable=False),
        sa.Column("x0", sa.Double(), nullable=False),
        sa.Column("y0", sa.Double(), nullable=False),
        sa.Column("x1", sa.Double(), nullable=False),
        sa.Column("y1", sa.Double(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_blur_regions_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_blur_regions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blur_regions")),
    )
    with op.batch_alter_table("blur_regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blur_regions_clip_id"), ["clip_id"], unique=False)
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("blur_review_video_key", sa.String(length=300), nullable=True)
        )
        batch_op.add_column(
            sa.Column("blur_review_poster_key", sa.String(length=300), nullable=True)
        )
        batch_op.add_column(sa.Column("blur_face_strip", sa.JSON(), nullable=True))
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "blur_outside_teacher", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column(
                "blur_without_review", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("blur_without_review")
        batch_op.drop_column("blur_outside_teacher")
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.drop_column("blur_face_strip")
        batch_op.drop_column("blur_review_poster_key")
        batch_op.drop_column("blur_review_video_key")
    op.drop_table("blur_regions")
