"""transcripts and search

Segments are full-text indexed: on SQLite with an FTS5 table kept in step by triggers (an
external-content table, so the text is stored once); on PostgreSQL with a generated tsvector
column and a GIN index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:42:59.510956
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transcript_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clip_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Double(), nullable=False),
        sa.Column("end", sa.Double(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clip_id"],
            ["clips.id"],
            name=op.f("fk_transcript_segments_clip_id_clips"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript_segments")),
        sa.UniqueConstraint("clip_id", "position", name="uq_transcript_segments_order"),
    )
    with op.batch_alter_table("transcript_segments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transcript_segments_clip_id"), ["clip_id"], unique=False
        )

    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "transcript_status",
                sa.Enum(
                    "pending",
                    "processing",
                    "ready",
                    "failed",
                    name="transcriptstatus",
                    native_enum=False,
                    length=20,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("transcript_failure_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("transcript_language", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("captions_key", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("transcript_updated_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_clips_transcript_status"), ["transcript_status"], unique=False
        )

    # Clips that were already playable get transcribed too: the sweeper picks these up.
    op.execute(
        "UPDATE clips SET transcript_status = 'pending', transcript_updated_at = updated_at "
        "WHERE status = 'ready'"
    )

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE transcript_fts USING fts5("
            "text, content='transcript_segments', content_rowid='id', "
            "tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER transcript_fts_insert AFTER INSERT ON transcript_segments BEGIN "
            "INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER transcript_fts_delete AFTER DELETE ON transcript_segments BEGIN "
            "INSERT INTO transcript_fts(transcript_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER transcript_fts_update AFTER UPDATE ON transcript_segments BEGIN "
            "INSERT INTO transcript_fts(transcript_fts, rowid, text) "
            "VALUES ('delete', old.id, old.text); "
            "INSERT INTO transcript_fts(rowid, text) VALUES (new.id, new.text); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE transcript_segments ADD COLUMN search tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_transcript_segments_search ON transcript_segments USING gin (search)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS transcript_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS transcript_fts")
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clips_transcript_status"))
        batch_op.drop_column("transcript_updated_at")
        batch_op.drop_column("captions_key")
        batch_op.drop_column("transcript_language")
        batch_op.drop_column("transcript_failure_reason")
        batch_op.drop_column("transcript_status")

    with op.batch_alter_table("transcript_segments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcript_segments_clip_id"))

    op.drop_table("transcript_segments")
