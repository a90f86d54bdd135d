"""coaching cycle: action steps, the step library, criterion ticks, session records

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 02:15:05.159684
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column(
            "strand",
            sa.Enum(
                "behaviour", "instruction", "subject", name="strand", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("standard", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "standard BETWEEN 1 AND 8", name=op.f("ck_step_templates_standard_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_step_templates_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_step_templates_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_templates")),
        sa.UniqueConstraint("school_id", "title", name="uq_step_templates_school_title"),
    )
    with op.batch_alter_table("step_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_step_templates_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "action_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ect_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column(
            "strand",
            sa.Enum(
                "behaviour", "instruction", "subject", name="strand", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("standard", sa.Integer(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "met",
                "moved_on",
                "repeated",
                name="stepstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("model_clip_id", sa.Integer(), nullable=True),
        sa.Column("previous_step_id", sa.Integer(), nullable=True),
        sa.Column("source_comment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("standard BETWEEN 1 AND 8", name=op.f("ck_action_steps_standard_range")),
        sa.ForeignKeyConstraint(
            ["ect_id"], ["users.id"], name=op.f("fk_action_steps_ect_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_action_steps_mentor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["model_clip_id"],
            ["clips.id"],
            name=op.f("fk_action_steps_model_clip_id_clips"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["previous_step_id"],
            ["action_steps.id"],
            name=op.f("fk_action_steps_previous_step_id_action_steps"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_action_steps_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["source_comment_id"],
            ["comments.id"],
            name=op.f("fk_action_steps_source_comment_id_comments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_steps")),
    )
    with op.batch_alter_table("action_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_steps_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_steps_ect_id"), ["ect_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_steps_mentor_id"), ["mentor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_steps_school_id"), ["school_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_steps_status"), ["status"], unique=False)

    op.create_table(
        "coaching_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ect_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("praise", sa.Text(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=True),
        sa.Column("model_clip_id", sa.Integer(), nullable=True),
        sa.Column("practice_rounds", sa.Integer(), nullable=False),
        sa.Column("practice_notes", sa.Text(), nullable=False),
        sa.Column("ect_reflection", sa.Text(), nullable=True),
        sa.Column("reflected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "practice_rounds >= 0", name=op.f("ck_coaching_sessions_practice_rounds")
        ),
        sa.ForeignKeyConstraint(
            ["ect_id"], ["users.id"], name=op.f("fk_coaching_sessions_ect_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["users.id"], name=op.f("fk_coaching_sessions_mentor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["model_clip_id"],
            ["clips.id"],
            name=op.f("fk_coaching_sessions_model_clip_id_clips"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_coaching_sessions_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["action_steps.id"],
            name=op.f("fk_coaching_sessions_step_id_action_steps"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_sessions")),
    )
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaching_sessions_ect_id"), ["ect_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coaching_sessions_held_on"), ["held_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_coaching_sessions_mentor_id"), ["mentor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coaching_sessions_school_id"), ["school_id"], unique=False
        )

    op.create_table(
        "criterion_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_criterion_checks_checked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_criterion_checks_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["action_steps.id"],
            name=op.f("fk_criterion_checks_step_id_action_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_checks")),
        sa.UniqueConstraint("clip_id", "criterion", name="uq_criterion_checks_tick"),
    )
    with op.batch_alter_table("criterion_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_checks_clip_id"), ["clip_id"], unique=False)

    op.create_table(
        "coaching_session_clips",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_coaching_session_clips_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["coaching_sessions.id"],
            name=op.f("fk_coaching_session_clips_session_id_coaching_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "clip_id", name=op.f("pk_coaching_session_clips")),
    )
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.add_column(sa.Column("step_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attempt", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("shareable", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("strand", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("standard", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phase", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_clips_step_id"), ["step_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_clips_step_id_action_steps"),
            "action_steps",
            ["step_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_clips_step_id_action_steps"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_clips_step_id"))
        batch_op.drop_column("phase")
        batch_op.drop_column("standard")
        batch_op.drop_column("strand")
        batch_op.drop_column("shareable")
        batch_op.drop_column("attempt")
        batch_op.drop_column("step_id")

    op.drop_table("coaching_session_clips")
    with op.batch_alter_table("criterion_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_checks_clip_id"))

    op.drop_table("criterion_checks")
    with op.batch_alter_table("coaching_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_sessions_school_id"))
        batch_op.drop_index(batch_op.f("ix_coaching_sessions_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_coaching_sessions_held_on"))
        batch_op.drop_index(batch_op.f("ix_coaching_sessions_ect_id"))

    op.drop_table("coaching_sessions")
    with op.batch_alter_table("action_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_steps_status"))
        batch_op.drop_index(batch_op.f("ix_action_steps_school_id"))
        batch_op.drop_index(batch_op.f("ix_action_steps_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_action_steps_ect_id"))
        batch_op.drop_index(batch_op.f("ix_action_steps_created_at"))

    op.drop_table("action_steps")
    with op.batch_alter_table("step_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_templates_school_id"))

    op.drop_table("step_templates")
