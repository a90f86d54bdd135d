"""Alembic environment: the connection or URL comes from service.migrate, never from a file."""

from alembic import context
from sqlalchemy import create_engine

from service.migrate import include_name
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


def _run(connection) -> None:
    context.configure(
        include_name=include_name,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
