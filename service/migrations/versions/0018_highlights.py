"""highlights: clips cut out of other clips

Revision ID: 0018
Revises: 0017
Where a highlight (or a model clip cut from a lesson) came from: its source, the source's
title and teacher (kept when the source is deleted), and the part cut.
Create Date: 2026-12-21 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "highlight_cuts",
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("source_clip_id", sa.Integer(), nullable=True),
        sa.Column("source_owner_id", sa.Integer(), nullable=False),
        sa.Column("source_title", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Double(), nullable=False),
        sa.Column("end", sa.Double(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("with_comments", sa.Boolean(), nullable=False),
        sa.Column("with_transcript", sa.Boolean(), nullable=False),
        sa.Column("cut_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cut_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_highlight_cuts_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_clip_id"],
            ["clips.id"],
            name=op.f("fk_highlight_cuts_source_clip_id_clips"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_owner_id"], ["users.id"], name=op.f("fk_highlight_cuts_source_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["cut_by_id"], ["users.id"], name=op.f("fk_highlight_cuts_cut_by_id_users")
        ),
        sa.PrimaryKeyConstraint("clip_id", name=op.f("pk_highlight_cuts")),
    )
    op.create_index("ix_highlight_cuts_source_clip_id", "highlight_cuts", ["source_clip_id"])
    op.create_index("ix_highlight_cuts_source_owner_id", "highlight_cuts", ["source_owner_id"])


def downgrade() -> None:
    op.drop_index("ix_highlight_cuts_source_owner_id", table_name="highlight_cuts")
    op.drop_index("ix_highlight_cuts_source_clip_id", table_name="highlight_cuts")
    op.drop_table("highlight_cuts")
