"""The database, storage and Redis the app uses, opened lazily and shared per process."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from redis import Redis
from sqlalchemy.orm import Session

from config import Settings
from service.db import make_engine, make_session_factory
from service.storage import make_storage
from service.storage.base import Storage
from web.extensions import login_manager
from workers.connection import connect


class Resources:
    """Holds the long-lived handles; Redis is connected on first use, not at start-up."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings)
        self.sessions = make_session_factory(self.engine)
        self.storage: Storage = make_storage(settings)
        self._redis: Redis | None = None

    @property
    def redis(self) -> Redis:
        """Return the Redis client, connecting on first use."""
        if self._redis is None:
            self._redis = connect(self.settings)
        return self._redis


def init_app(app: Flask, settings: Settings) -> None:
    """Create the app's resources, close each request's session, and load users."""
    app.extensions["coachreel"] = Resources(settings)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    # Runs on every request that carries a session or remember-me cookie: it answers only an
    # active user whose current session token the cookie holds, so a replaced token or a
    # deactivated account signs the request out.
    @login_manager.user_loader
    def _load_user(session_token: str) -> Any:
        from service.accounts import load_user

        return load_user(db(), session_token)


def resources() -> Resources:
    """Return the app's long-lived handles."""
    return current_app.extensions["coachreel"]


def settings() -> Settings:
    """Return the app's settings."""
    return resources().settings


def db() -> Session:
    """Return this request's database session."""
    if "db_session" not in g:
        g.db_session = resources().sessions()
    return g.db_session


def storage() -> Storage:
    """Return the app's object storage."""
    return resources().storage


def redis() -> Redis:
    """Return the app's Redis client, connecting on first use."""
    return resources().redis
