"""Alembic environment: the connection or URL comes from service.migrate, never from a file."""

from alembic import context
from sqlalchemy import create_engine

from service.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include_name(name, type_, _parent_names) -> bool:  # noqa: ANN001
    # The FTS5 index and its shadow tables are managed by hand in migration 0002.
    return not (type_ == "table" and name is not None and name.startswith("transcript_fts"))


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        include_name=_include_name,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
