"""An empty, migrated database for a benchmark: SQLite in a temporary folder by default."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from config import Settings, load_settings
from service.db import make_engine
from service.migrate import upgrade


def empty_database(folder: str, url: str | None) -> tuple[Settings, Engine] | None:
    """Migrate ``url`` (default: SQLite in ``folder``); None, having said why, if not empty."""
    url = url or f"sqlite:///{folder}/bench.db"
    settings = load_settings(
        {
            "COACHREEL_ENV": "test",
            "COACHREEL_INSTANCE": folder,
            "DATABASE_URL": url,
            "MEDIA_DIR": f"{folder}/media",
            "SECRET_KEY": "bench",
        }
    )
    engine = make_engine(settings)
    if inspect(engine).get_table_names():
        print(f"{url} is not empty: give the benchmark an empty database of its own.")
        return None
    upgrade(engine)
    return settings, engine
