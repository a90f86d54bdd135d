"""people and onboarding

Revision ID: 0015
Revises: 0014
Schools get their URN (how a roster file names them); people get the time of their last
invitation; an ECT's membership the day their induction started; a pairing its ECT lead. A
pairing is unique while current (one current mentor per ECT), no longer for ever, so a
mid-year change keeps the old pairing as history. Every email sent is recorded, and a trust
may sign its people in with its Microsoft or Google accounts.
Create Date: 2026-12-18 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urn", sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint("uq_schools_urn", ["urn"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("induction_started_on", sa.Date(), nullable=True))
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ect_lead_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_mentorships_ect_lead_id_users", "users", ["ect_lead_id"], ["id"]
        )
        batch_op.drop_constraint("uq_mentorships_pair", type_="unique")
    op.create_index(
        "uq_mentorships_current",
        "mentorships",
        ["ect_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_messages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
    )
    op.create_index("ix_mail_messages_user_id", "mail_messages", ["user_id"])
    op.create_index("ix_mail_messages_status", "mail_messages", ["status"])
    op.create_table(
        "sign_in_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trust_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("metadata_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=300), nullable=False),
        sa.Column("client_secret", sa.String(length=500), nullable=False),
        sa.Column("allowed_domains", sa.String(length=500), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trusts.id"], name=op.f("fk_sign_in_providers_trust_id_trusts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_providers")),
        sa.UniqueConstraint("trust_id", name=op.f("uq_sign_in_providers_trust_id")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_providers")
    op.drop_index("ix_mail_messages_status", table_name="mail_messages")
    op.drop_index("ix_mail_messages_user_id", table_name="mail_messages")
    op.drop_table("mail_messages")
    op.drop_index("uq_mentorships_current", table_name="mentorships")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_mentorships_pair", ["mentor_id", "ect_id"])
        batch_op.drop_constraint("fk_mentorships_ect_lead_id_users", type_="foreignkey")
        batch_op.drop_column("ect_lead_id")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("induction_started_on")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("invited_at")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint("uq_schools_urn", type_="unique")
        batch_op.drop_column("urn")
