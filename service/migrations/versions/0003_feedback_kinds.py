"""feedback kinds, ranges, replies, edits, deletions and seen

Every existing comment becomes a top-level "note" at its moment, never edited, deleted or seen.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COMMENT_KIND = sa.Enum(
    "praise", "next_step", "question", "note", name="commentkind", native_enum=False, length=20
)


def upgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("kind", COMMENT_KIND, nullable=True))
        batch_op.add_column(sa.Column("end_seconds", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("seen_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_comments_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_parent_id_comments"),
            "comments",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_seen_by_id_users"), "users", ["seen_by_id"], ["id"]
        )

    op.execute("UPDATE comments SET kind = 'note'")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=COMMENT_KIND, nullable=False)


def downgrade() -> None:
    # Replies and deleted comments have no place in the old schema: drop them with their data.
    op.execute("DELETE FROM comments WHERE parent_id IS NOT NULL OR deleted_at IS NOT NULL")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comments_seen_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_comments_parent_id_comments"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_comments_parent_id"))
        batch_op.drop_column("seen_by_id")
        batch_op.drop_column("seen_at")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("edited_at")
        batch_op.drop_column("end_seconds")
        batch_op.drop_column("kind")
        batch_op.drop_column("parent_id")
