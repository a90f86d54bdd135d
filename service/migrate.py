"""Apply the Alembic migrations that live in ``service/migrations``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, parent_names: dict[str, str | None]) -> bool:
    """Leave out what the models do not describe, which migration 0002 manages by hand: the
    FTS5 index and its shadow tables (SQLite), the tsvector column and its index (PostgreSQL)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith("transcript_fts")
    if type_ == "column":
        return not (name == "search" and parent_names.get("table_name") == "transcript_segments")
    return name != "ix_transcript_segments_search"


def alembic_config(database_url: str) -> Config:
    """Build the Alembic configuration in code (there is no alembic.ini to drift)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
