"""Engine and session factory, built from settings (never at import time)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from config import Settings


def make_engine(settings: Settings) -> Engine:
    """Create the SQLAlchemy engine for the configured database."""
    url = settings.database_url
    if url.startswith("sqlite"):
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
        # Web threads and workers share one SQLite file: wait for locks instead of failing.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Create the session factory; use cases own their commits."""
    return sessionmaker(engine, expire_on_commit=False)
